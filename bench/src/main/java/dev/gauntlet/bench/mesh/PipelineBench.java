package dev.gauntlet.bench.mesh;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.limit.LimitConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The mesh pipeline's own cost (DESIGN.md §10: ≤ 2 µs and ≤ 1 KB per call): a GET through every stage of the
 * standard pipeline over an in-memory transport, against the same request sent straight to that transport. The
 * difference is the pipeline; likewise a keyed write (JSON body and op id) against the same POST sent with its key by
 * hand. Run with {@code -prof gc} for the allocation per call.
 *
 * <pre>java -cp bench/target/gauntlet-bench.jar org.openjdk.jmh.Main PipelineBench -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PipelineBench {

    private static final String BODY =
            "{\"id\":\"item_1\",\"title\":\"Summit raven granite.\",\"external_id\":\"6f1c\"}";

    private static final Map<String, Object> WRITE_BODY =
            Map.of("title", "Summit raven granite.", "external_id", "6f1c");
    private static final ObjectMapper JSON = new ObjectMapper();

    private long ops;
    private Mesh mesh;
    private Connector connector;
    private HttpClient bare;

    @Setup
    public void setUp() {
        bare = new InMemoryHttpClient(BODY);
        mesh = Mesh.builder().http(new InMemoryHttpClient(BODY)).build();
        connector = mesh.register(ConnectorSpec.builder("bench", "http://127.0.0.1:1/api/bench")
                .header("X-API-Key", "k")
                // A limit far above what one JMH thread reaches, so the bucket never makes a call wait.
                .limit(LimitConfig.builder()
                        .initialRps(10_000_000)
                        .maxRps(10_000_000)
                        .burst(10_000_000)
                        .build())
                .build());
    }

    @TearDown
    public void tearDown() {
        mesh.close();
    }

    @Benchmark
    public MeshResponse throughMesh() {
        return connector.get("/items/item_1");
    }

    /** What any client pays without the mesh: build the request (URI, headers), send it, read the body. */
    @Benchmark
    public HttpResponse<byte[]> transportOnly() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/api/bench" + "/items/item_1"))
                .timeout(Duration.ofSeconds(5))
                .header("X-API-Key", "k")
                .GET()
                .build();
        return bare.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A keyed write (JSON body, the caller's op id) through every stage: key, intent recorded and completed, drift look. */
    @Benchmark
    public MeshResponse keyedWriteThroughMesh() {
        return connector.post("/items", WRITE_BODY, "op_" + ops++);
    }

    /** What a client that keys its writes itself pays without the mesh: encode the body, send it with the key. */
    @Benchmark
    public HttpResponse<byte[]> keyedWriteTransportOnly() throws Exception {
        byte[] body = JSON.writeValueAsBytes(WRITE_BODY);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:1/api/bench" + "/items"))
                .timeout(Duration.ofSeconds(5))
                .header("X-API-Key", "k")
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "op_" + ops++)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return bare.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }
}
