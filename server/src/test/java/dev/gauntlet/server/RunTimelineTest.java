package dev.gauntlet.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's timeline file: readable while written, bounded, and saying what it left out. */
class RunTimelineTest {

    @TempDir
    Path dir;

    @Test
    void shouldBeReadableWhileWrittenAndKeepOnlyTheEventsItIsFor() {
        RunTimeline t = new RunTimeline(dir);
        t.metrics(Map.of("at", "2026-01-01T00:00:01Z"));
        t.event(Map.of("type", "run", "at", "2026-01-01T00:00:01Z", "what", "started"));
        t.event(Map.of("type", "retry_scheduled", "at", "2026-01-01T00:00:01Z"));
        t.flush();
        Map<String, Object> soFar = RunTimeline.read(dir);
        assertThat((List<?>) soFar.get("metrics")).hasSize(1);
        assertThat((List<?>) soFar.get("events")).hasSize(1);
        assertThat(soFar.get("complete")).isEqualTo(false);
        t.close();
        assertThat(RunTimeline.read(dir).get("complete")).isEqualTo(true);
        assertThat(RunTimeline.keeps("retry_scheduled")).isFalse();
    }

    @Test
    void shouldCapTheFrequentKindsButNeverTheMarkersThatTellTheStoryAndSaySo() {
        RunTimeline t = new RunTimeline(dir);
        for (int i = 0; i < RunTimeline.MAX_FREQUENT + 50; i++)
            t.event(Map.of("type", "token_refreshed", "at", "2026-01-01T00:00:01Z"));
        t.event(Map.of("type", "drift_detected", "at", "2026-01-01T00:00:02Z"));
        t.close();
        Map<String, Object> read = RunTimeline.read(dir);
        List<?> events = (List<?>) read.get("events");
        assertThat(events).hasSize(RunTimeline.MAX_FREQUENT + 1);
        assertThat(((JsonNode) events.getLast()).path("type").asText()).isEqualTo("drift_detected");
        assertThat(((JsonNode) read.get("dropped")).path("token_refreshed").asLong())
                .isEqualTo(50);
    }

    @Test
    void shouldThinTheSecondsPastTheCap() {
        RunTimeline t = new RunTimeline(dir);
        for (int i = 0; i < RunTimeline.MAX_SECONDS + 200; i++) t.metrics(Map.of("i", i));
        t.close();
        int kept = ((List<?>) RunTimeline.read(dir).get("metrics")).size();
        assertThat(kept).isLessThan(RunTimeline.MAX_SECONDS + 200).isGreaterThan(RunTimeline.MAX_SECONDS);
    }
}
