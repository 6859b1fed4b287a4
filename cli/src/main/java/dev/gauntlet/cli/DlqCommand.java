package dev.gauntlet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.server.AamConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gauntlet dlq}: the dead-letter queue of a running AAM server, over its HTTP API. */
@Command(
        name = "dlq",
        mixinStandardHelpOptions = true,
        description =
                "Inspect and replay the writes the mesh parked in its dead-letter queue (talks to a running AAM server).",
        subcommands = {DlqCommand.Ls.class, DlqCommand.Replay.class})
final class DlqCommand implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every dlq sub-command takes. */
    static class Target {
        @Option(
                names = "--aam-url",
                defaultValue = "http://127.0.0.1:" + AamConfig.DEFAULT_PORT,
                description = "The AAM server (default: ${DEFAULT-VALUE}).")
        String aamUrl;

        @Option(names = "--connector", paramLabel = "ID", description = "Only this connector's entries.")
        String connector;

        @CommandLine.Mixin
        TokenOption token;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        String query() {
            return connector == null ? "" : "?connector=" + URLEncoder.encode(connector, StandardCharsets.UTF_8);
        }

        /** The answer's JSON, or exit 1 with the server's own message. */
        JsonNode call(String method, String path) {
            String base = aamUrl.endsWith("/") ? aamUrl.substring(0, aamUrl.length() - 1) : aamUrl;
            try (HttpClient http = dev.gauntlet.http.TokenClient.wrap(
                    HttpClient.newBuilder()
                            .connectTimeout(Duration.ofSeconds(5))
                            .build(),
                    token.get(spec),
                    List.of(base))) {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(base + path))
                                .timeout(Duration.ofSeconds(60))
                                .method(method, HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                JsonNode body = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
                if (r.statusCode() >= 400) {
                    throw new Failed(body.path("message").asText(r.body()) + " (HTTP " + r.statusCode() + ", "
                            + body.path("error").asText("error") + ")");
                }
                return body;
            } catch (IOException e) {
                throw new Failed("cannot reach the AAM server at " + base + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failed("interrupted");
            }
        }

        int fail(Failed e) {
            spec.commandLine().getErr().println("gauntlet dlq: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
    }

    /** A refusal or an unreachable server: its message is what the user sees. */
    static final class Failed extends RuntimeException {
        Failed(String message) {
            super(message);
        }
    }

    /** {@code gauntlet dlq ls}. */
    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List the parked writes.")
    static final class Ls extends Target implements Callable<Integer> {
        @Override
        public Integer call() {
            JsonNode body;
            try {
                body = call("GET", "/dlq" + query());
            } catch (Failed e) {
                return fail(e);
            }
            PrintWriter out = spec.commandLine().getOut();
            JsonNode entries = body.path("entries");
            if (entries.isEmpty()) {
                out.println("The DLQ is empty" + (connector == null ? "." : " for " + connector + "."));
            } else {
                String fmt = "%-24s %-16s %-7s %-32s %-14s %8s %-8s %-20s%n";
                out.printf(fmt, "ID", "CONNECTOR", "METHOD", "PATH", "ERROR CLASS", "ATTEMPTS", "STATE", "PARKED AT");
                for (JsonNode e : entries) {
                    out.printf(
                            fmt,
                            e.path("id").asText(),
                            e.path("connector").asText(),
                            e.path("method").asText(),
                            cut(e.path("path").asText(), 32),
                            e.path("error_class").asText()
                                    + (e.path("unknown_outcome").asBoolean() ? "?" : ""),
                            e.path("attempts").asText(),
                            e.path("state").asText(),
                            e.path("parked_at").asText());
                }
                out.println(entries.size() + " entr" + (entries.size() == 1 ? "y" : "ies") + " (? = outcome unknown)");
            }
            out.flush();
            return 0;
        }
    }

    /** {@code gauntlet dlq replay ID|--all}. */
    @Command(
            name = "replay",
            mixinStandardHelpOptions = true,
            description = "Replay one parked write now, or all of them (--all, optionally of one --connector).")
    static final class Replay extends Target implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The entry to replay.")
        String id;

        @Option(
                names = "--all",
                description =
                        "Replay every pending and dead entry: the server runs it as a background job; this follows it to the end.")
        boolean all;

        @Option(
                names = "--no-wait",
                description = "With --all: print the job's id and where to follow it, and return at once.")
        boolean noWait;

        @Override
        public Integer call() {
            if ((id == null) == !all)
                throw new CommandLine.ParameterException(spec.commandLine(), "give either an ID or --all");
            if (id != null && connector != null)
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--connector goes with --all, not with an ID");
            if (noWait && !all)
                throw new CommandLine.ParameterException(spec.commandLine(), "--no-wait goes with --all");
            PrintWriter out = spec.commandLine().getOut();
            try {
                if (id != null) {
                    line(out, call("POST", "/dlq/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/replay"));
                } else {
                    JsonNode job = call("POST", "/dlq/replay" + query());
                    String location = job.path("location")
                            .asText("/dlq/replays/" + job.path("id").asText());
                    if (!job.path("started").asBoolean(true))
                        out.println("a replay of the same entries is running already: following it");
                    if (noWait) {
                        out.println("replay job " + job.path("id").asText() + " started; follow it at GET " + location);
                        out.flush();
                        return 0;
                    }
                    // The server replays in the background; its progress is polled until it is no longer running.
                    while (job.path("state").asText().equals("running")) {
                        try {
                            Thread.sleep(POLL_MS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new Failed("interrupted; the replay job "
                                    + job.path("id").asText() + " goes on on the server");
                        }
                        job = call("GET", location);
                    }
                    JsonNode replayed = job.path("results");
                    replayed.forEach(r -> line(out, r));
                    if (job.path("state").asText().equals("failed")) {
                        throw new Failed("the replay job " + job.path("id").asText() + " failed after "
                                + job.path("done").asInt() + " entries: "
                                + job.path("error").asText());
                    }
                    out.println(replayed.size() + " replayed ("
                            + job.path("succeeded").asInt() + " succeeded, "
                            + job.path("failed").asInt() + " failed, "
                            + job.path("skipped").asInt() + " skipped)");
                }
            } catch (Failed e) {
                return fail(e);
            }
            out.flush();
            return 0;
        }

        /** Between two looks at a replay job's progress. */
        static final long POLL_MS = 200;

        private static void line(PrintWriter out, JsonNode r) {
            out.printf(
                    "%-24s %-10s %4s  %s%n",
                    r.path("id").asText(),
                    r.path("outcome").asText(),
                    r.path("status").asText(),
                    r.path("message").asText());
        }
    }

    private static String cut(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
