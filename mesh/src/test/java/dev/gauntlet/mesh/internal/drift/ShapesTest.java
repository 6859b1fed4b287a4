package dev.gauntlet.mesh.internal.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The byte scanner of the hot path agrees with the shape hashes computed on Jackson's tree. */
class ShapesTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static long[] learned(String body) throws Exception {
        JsonNode root = JSON.readTree(body);
        var set = new TreeSet<Long>();
        set.add(Shapes.rootHash(root));
        for (ObjectNode r : Shapes.records(root)) set.add(Shapes.hash(r));
        return set.stream().mapToLong(Long::longValue).toArray();
    }

    static boolean known(String body, long[] known) {
        return Shapes.allKnown(body.getBytes(StandardCharsets.UTF_8), known);
    }

    static final String[] BODIES = {
        "{\"id\":1,\"name\":\"Ada\",\"tags\":[\"a\",{\"x\":\"]}\"}],\"meta\":{\"a\":{\"b\":[1,2]}},\"ok\":true,\"gone\":null,\"n\":-1.5e3}",
        " { \"totalSize\" : 2 , \"done\" : true , \"records\" : [ {\"Id\":\"a\\\"1\",\"Name\":\"x\"} , {\"Id\":\"a2\",\"Name\":null} ] } ",
        "{\"object\":\"list\",\"data\":[{\"id\":\"cus_1\",\"email\":\"é@x.fr\"}],\"has_more\":false,\"url\":\"/v1/customers\"}",
        "{\"documents\":[]}",
        "{\"document\":{\"_id\":{\"$oid\":\"65f\"},\"name\":\"n\"}}",
        "[{\"id\":1},{\"id\":2,\"extra\":\"y\"},3,[4]]",
        "[]",
        "{}",
    };

    @Test
    void shouldRecogniseEveryShapeLearnedFromTheTree() throws Exception {
        for (String body : BODIES)
            assertThat(known(body, learned(body))).as(body).isTrue();
    }

    @Test
    void shouldNotRecogniseAShapeWhenAFieldIsRenamedRetypedOrAdded() throws Exception {
        long[] k = learned(BODIES[1]);
        assertThat(known(BODIES[1].replace("\"Name\":\"x\"", "\"name\":\"x\""), k))
                .isFalse();
        assertThat(known(BODIES[1].replace("\"Name\":\"x\"", "\"Name\":5"), k)).isFalse();
        assertThat(known(BODIES[1].replace("\"done\" : true", "\"done\" : true, \"nextRecordsUrl\":\"/q/2\""), k))
                .isFalse();
        assertThat(known(BODIES[0], learned(BODIES[2]))).isFalse();
    }

    @Test
    void shouldReadAListUpToItsFirstRecordWhenOnlyTheLeadIsChecked() throws Exception {
        for (String body : BODIES) {
            assertThat(Shapes.leadKnown(body.getBytes(StandardCharsets.UTF_8), learned(body)))
                    .as(body)
                    .isTrue();
        }
        long[] k = learned(BODIES[1]);
        String secondRenamed = BODIES[1].replace("\"Name\":null", "\"name\":null");
        String firstRenamed = BODIES[1].replace("\"Name\":\"x\"", "\"name\":\"x\"");
        assertThat(known(secondRenamed, k)).isFalse();
        assertThat(Shapes.leadKnown(secondRenamed.getBytes(StandardCharsets.UTF_8), k))
                .as("the second record is not read")
                .isTrue();
        assertThat(Shapes.leadKnown(firstRenamed.getBytes(StandardCharsets.UTF_8), k))
                .isFalse();
        // A single record (no list) is read whole.
        long[] one = learned(BODIES[0]);
        assertThat(Shapes.leadKnown(BODIES[0].replace("\"ok\":true", "\"ok\":1").getBytes(StandardCharsets.UTF_8), one))
                .isFalse();
    }

    @Test
    void shouldLeaveEscapedNamesAndBrokenBodiesToTheParser() throws Exception {
        String escaped = "{\"na\\u006de\":1}";
        assertThat(known(escaped, learned(escaped))).isFalse();
        long[] k = learned(BODIES[0]);
        assertThat(known(BODIES[0].substring(0, 30), k)).isFalse();
        assertThat(known("{\"id\":1,}", learned("{\"id\":1}"))).isFalse();
        assertThat(known("<html>", k)).isFalse();
        assertThat(Arrays.stream(k).anyMatch(h -> h == Shapes.NONE)).isFalse();
    }
}
