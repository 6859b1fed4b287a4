package dev.gauntlet.cli;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The process tests' shared helpers: a {@code gauntlet} command in a JVM of its own on the test's class path (its
 * output in a log file), free ports, and waiting for a server to answer.
 */
final class GauntletProcesses {

    private GauntletProcesses() {}

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * {@code gauntlet ARGS…} in a JVM of its own, its output (stdout and stderr) in {@code logDir/NAME-<nanos>.log}.
     */
    static Process start(Path logDir, String name, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        var command = new ArrayList<>(
                List.of(java, "-cp", System.getProperty("java.class.path"), "dev.gauntlet.cli.GauntletCli"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                        logDir.resolve(name + "-" + System.nanoTime() + ".log").toFile())
                .start();
    }

    /** Waits (60 s at most) until {@code url + path} answers 200. */
    static void awaitOk(HttpClient http, String url, String path) {
        awaitOk(http, url, path, Duration.ofSeconds(60));
    }

    /** Waits ({@code atMost}) until {@code url + path} answers 200. */
    static void awaitOk(HttpClient http, String url, String path, Duration atMost) {
        await().atMost(atMost)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> http.send(
                                        HttpRequest.newBuilder(URI.create(url + path))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200);
    }

    /**
     * As {@link #awaitOk(HttpClient, String, String, Duration)}, failing at once when {@code process} exits first (a
     * server that refused to start), with the end of what it printed.
     */
    static void awaitUp(Process process, HttpClient http, String url, String path, Duration atMost) {
        await().atMost(atMost)
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsMatching(e -> !(e instanceof IllegalStateException))
                .until(() -> {
                    if (!process.isAlive())
                        throw new IllegalStateException(
                                url + " exited with " + process.exitValue() + " before it answered " + path);
                    return http.send(
                                            HttpRequest.newBuilder(URI.create(url + path))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode()
                            == 200;
                });
    }

    /** Waits until an AAM answers {@code GET /health} with 200. */
    static void awaitAam(HttpClient http, String url) {
        awaitOk(http, url, "/health");
    }

    /** Waits until a farm answers {@code GET /admin/status} with 200. */
    static void awaitFarm(HttpClient http, String url) {
        awaitOk(http, url, "/admin/status");
    }
}
