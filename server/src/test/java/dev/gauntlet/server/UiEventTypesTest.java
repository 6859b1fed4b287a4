package dev.gauntlet.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.event.EventType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The UI listens for the event types the AAM sends: its {@code EVENT_TYPES} (ui/src/live/sse.ts) is the mesh's
 * {@link EventType} enum, in order, then the server's own {@code run} and {@code chaos} ({@link Runs}). A type the UI
 * missed would never reach its charts (two had been missed before this test).
 */
class UiEventTypesTest {

    /** Events the server publishes itself, beside the mesh's (see Runs: a run's phase and its chaos level). */
    static final List<String> SERVER_TYPES = List.of("run", "chaos");

    @Test
    void shouldListEveryEventTypeTheAamSends() throws IOException {
        List<String> expected = Stream.concat(Arrays.stream(EventType.values()).map(Enum::name), SERVER_TYPES.stream()).toList();
        assertThat(uiEventTypes()).isEqualTo(expected);
    }

    /** The quoted names inside {@code export const EVENT_TYPES = [ … ]}. */
    static List<String> uiEventTypes() throws IOException {
        // Surefire runs in the module's folder; the UI is its sibling.
        String ts = Files.readString(Path.of("..", "ui", "src", "live", "sse.ts"));
        Matcher list = Pattern.compile("export const EVENT_TYPES = \\[(.*?)] as const;", Pattern.DOTALL).matcher(ts);
        assertThat(list.find()).as("EVENT_TYPES in ui/src/live/sse.ts").isTrue();
        List<String> names = new ArrayList<>();
        Matcher quoted = Pattern.compile("'([a-z_]+)'").matcher(list.group(1));
        while (quoted.find()) names.add(quoted.group(1));
        return names;
    }
}
