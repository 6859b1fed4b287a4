package dev.gauntlet.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.runtime.ServiceRuntime;
import dev.gauntlet.farm.vendor.Route;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Junk at every route of every built-in service, with valid credentials, at calm: every answer must be the vendor's
 * 4xx (or a success), never a 5xx from the farm's own code.
 */
class NoServerErrorTest {

    private static final List<String[]> BODIES = List.of(
            new String[] {"application/json", "{"},
            new String[] {"application/json", "[1,2]"},
            new String[] {"application/json", "\"text\""},
            new String[] {
                "application/json",
                "{\"filter\":\"x\",\"limit\":-1,\"skip\":\"a\",\"document\":[],\"documents\":{},\"update\":5,"
                        + "\"series\":\"x\",\"q\":1,\"title\":{},\"amount\":\"NaN\",\"refresh_token\":[],\"collection\":7,\"sort\":\"x\",\"projection\":[1],\"pipeline\":{}}"
            },
            new String[] {
                "application/json",
                "{\"series\":[{\"metric\":\"\",\"points\":[{\"timestamp\":\"x\",\"value\":{}}]}],\"collection\":\"accounts\",\"dataSource\":\"a\",\"database\":\"b\",\"filter\":{\"$where\":1,\"_id\":{\"$oid\":5}},\"update\":{\"$set\":[]}}"
            },
            new String[] {"application/x-www-form-urlencoded", "a=1&b[=2&metadata[=x&amount=-5&limit=abc&%zz"},
            new String[] {"text/plain", "\u0000\u0001binary"},
            new String[] {null, ""});

    private static final String JUNK_QUERY =
            "?limit=-1&page=abc&per_page=99999&offset=-5&q=SELECT+nope+FROM&select=*,nope(&order=zz.sideways"
                    + "&starting_after=ghost&ending_before=&state=weird&from=x&to=&query=avg:&id=eq&name=in.(&fields=%00";

    @Test
    void shouldNeverAnswer5xxToJunk() {
        FakeClock clock = new FakeClock(Instant.now());
        List<String> failures = new ArrayList<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        int sent = 0;
        try (TestFarm farm = TestFarm.start(FarmConfig.builder().clock(clock))) {
            for (ServiceRuntime svc : farm.farm().services()) {
                for (Route route : svc.routes().routes()) {
                    String path = svc.spec().basePath()
                            + route.template()
                                    .text()
                                    .replaceAll("\\{[^}]*\\.\\.\\.}", "junk/more")
                                    .replaceAll("\\{[^}]*}", "1");
                    for (String query : List.of("", JUNK_QUERY)) {
                        for (String[] body :
                                route.method().equals("GET") || route.method().equals("DELETE")
                                        ? BODIES.subList(7, 8)
                                        : BODIES) {
                            // A second of fake time per request refills every bucket, so limits never hide a handler.
                            clock.advance(Duration.ofSeconds(1));
                            HttpRequest.Builder b = farm.request(path + query)
                                    .method(route.method(), HttpRequest.BodyPublishers.ofString(body[1]));
                            if (body[0] != null) b.header("Content-Type", body[0]);
                            farm.credentials(svc.id()).forEach(b::header);
                            HttpResponse<String> r = farm.send(b);
                            sent++;
                            statuses.merge(r.statusCode(), 1, Integer::sum);
                            if (r.statusCode() >= 500) {
                                failures.add(svc.id() + " " + route.method() + " " + path + query + " [" + body[1]
                                        + "] → " + r.statusCode() + " " + r.body());
                            }
                        }
                    }
                }
            }
            JsonNode status = TestFarm.json(farm.get("/admin/status"));
            assertThat(status.at("/chaos/level").asText()).isEqualTo("calm");
        }
        assertThat(sent).isGreaterThan(200);
        // The credentials work, so the junk reaches the handlers: successes and validation errors, few auth refusals.
        long ok = statuses.entrySet().stream()
                .filter(e -> e.getKey() < 300)
                .mapToLong(Map.Entry::getValue)
                .sum();
        long refusedAuth = statuses.getOrDefault(401, 0) + statuses.getOrDefault(403, 0);
        assertThat(ok).as("statuses %s", statuses).isGreaterThan(20);
        assertThat(statuses.getOrDefault(400, 0)).as("statuses %s", statuses).isGreaterThan(sent / 10);
        assertThat(refusedAuth).as("statuses %s", statuses).isLessThan(sent / 4);
        assertThat(failures).as("answers ≥ 500 to junk").isEmpty();
    }
}
