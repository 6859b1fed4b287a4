package dev.gauntlet.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.dlq.DlqState;
import dev.gauntlet.mesh.event.EventType;
import dev.gauntlet.mesh.vendor.Vendors;
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
 * The lists of names the UI keeps in TypeScript are the Java ones: the event types it listens for, the error classes
 * its charts stack, the DLQ states and the flavours its forms offer. A name added on the Java side fails here until the
 * UI has it (the event list had missed two types before this test).
 */
class UiListsTest {

    /** Events the server publishes itself, beside the mesh's (see Runs: a run's phase and its chaos level). */
    static final List<String> SERVER_EVENT_TYPES = List.of("run", "chaos");

    @Test
    void shouldListEveryEventTypeTheAamSendsInTheEnumsOrder() throws IOException {
        List<String> expected = Stream.concat(
                        Arrays.stream(EventType.values()).map(Enum::name), SERVER_EVENT_TYPES.stream())
                .toList();
        assertThat(constList("live/sse.ts", "EVENT_TYPES")).isEqualTo(expected);
    }

    @Test
    void shouldStackEveryErrorClass() throws IOException {
        assertThat(constList("live/types.ts", "ERROR_CLASSES"))
                .as("in the charts' own order")
                .containsExactlyInAnyOrderElementsOf(names(ErrorClass.values()));
    }

    @Test
    void shouldKnowEveryDlqState() throws IOException {
        assertThat(union("api/types.ts", "DlqState")).containsExactlyElementsOf(names(DlqState.values()));
    }

    @Test
    void shouldOfferTheBuiltInFlavours() throws IOException {
        // Vendors.names() lists the class path's vendors, the built-ins first; the server's tests see only those.
        assertThat(constList("connectors/validate.ts", "FLAVORS")).isEqualTo(Vendors.names());
    }

    private static List<String> names(Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toList();
    }

    /** The quoted names inside {@code export const NAME = [ … ] as const;} of a file under ui/src. */
    static List<String> constList(String file, String name) throws IOException {
        return quoted(file, "export const " + name + " = \\[(.*?)] as const;");
    }

    /** The quoted names of {@code export type NAME = 'a' | 'b';} of a file under ui/src. */
    static List<String> union(String file, String name) throws IOException {
        return quoted(file, "export type " + name + " = ([^;]*);");
    }

    private static List<String> quoted(String file, String declaration) throws IOException {
        // Surefire runs in the module's folder; the UI is its sibling.
        String ts = Files.readString(Path.of("..", "ui", "src").resolve(file));
        Matcher list = Pattern.compile(declaration, Pattern.DOTALL).matcher(ts);
        assertThat(list.find()).as(declaration + " in ui/src/" + file).isTrue();
        List<String> names = new ArrayList<>();
        Matcher q = Pattern.compile("'([a-z_]+)'").matcher(list.group(1));
        while (q.find()) names.add(q.group(1));
        return names;
    }
}
