package dev.gauntlet.bench.farm;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.idempotency.IdempotencyStore;
import dev.gauntlet.farm.runtime.ServiceRuntime;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * What the farm keeps per write, by heap delta (no JOL): the used heap after a full GC, before and after N of one
 * thing, over N. Measured in-process on the built-in stripe_mock: a stored customer (as a create stores it, with the
 * store's id, unique, rank and created indexes once a list has run), a ledger entry (a keyed create's commit) and a
 * stored idempotent answer (a customer's JSON answer, as Stripe's create replies). Run:
 * {@code java -cp bench/target/gauntlet-bench.jar dev.gauntlet.bench.farm.FarmMemoryBench [N]} (default 100,000).
 */
public final class FarmMemoryBench {

    private FarmMemoryBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        try (FarmServer server =
                FarmServer.start(FarmConfig.builder().host("127.0.0.1").port(0).build())) {
            ServiceRuntime stripe = server.farm().service("stripe_mock");
            ResourceStore customers = stripe.store("customer");
            JsonNodeFactory f = JsonNodeFactory.instance;
            // Build the indexes a list builds, so their share is in the figure.
            customers.page(0, 1);
            var byCreated = new ResourceStore.Ordering(
                    "bench:created",
                    r -> f.numberNode(r.path("created").asLong()),
                    java.util.Comparator.comparingLong(com.fasterxml.jackson.databind.JsonNode::asLong));
            customers.ordered(byCreated, 0, 1);
            long t0 = Instant.parse("2026-12-01T00:00:00Z").getEpochSecond();
            per("stored record (Stripe customer, 6 fields + metadata)", n, i -> {
                ObjectNode c = f.objectNode()
                        .put("object", "customer")
                        .put("name", "Gauntlet op-" + i)
                        .put("email", "op" + i + "@example.com")
                        .put("description", "written by the gauntlet")
                        .put("created", t0 + i);
                c.putObject("metadata").put("op_id", "op-" + i);
                customers.create(c);
            });
            Instant at = Instant.parse("2026-12-01T00:00:00Z");
            per(
                    "ledger entry (keyed create)",
                    n,
                    i -> server.farm()
                            .ledger()
                            .commit(
                                    "stripe_mock",
                                    "customer",
                                    "create",
                                    "op-" + i,
                                    "key-" + i,
                                    "cus_" + i,
                                    at.plusMillis(i)));
            IdempotencyStore<Reply> keys = stripe.idempotency();
            byte[] answer =
                    ("{\"id\":\"cus_0123456789abcd\",\"object\":\"customer\",\"created\":1764547200,\"email\":\"op1@example.com\","
                                    + "\"livemode\":false,\"metadata\":{\"op_id\":\"op-1\"},\"name\":\"Gauntlet op-1\"}")
                            .getBytes();
            per("idempotent answer (a ~170-byte customer reply)", n, i -> {
                var begun = keys.begin("client", "key-" + i, "fingerprint-" + i);
                if (begun instanceof IdempotencyStore.Proceed<Reply> p) {
                    keys.complete(
                            p.slot(),
                            new Reply(200, Map.of("Request-Id", "req_" + i), answer.clone(), "application/json"));
                }
            });
        }
    }

    private static void per(String what, int n, IntConsumer add) {
        long before = usedAfterGc();
        for (int i = 0; i < n; i++) add.accept(i);
        long after = usedAfterGc();
        System.out.printf(
                "%-50s %,8.0f bytes each (%,d added, heap +%,.1f MB)%n",
                what, (after - before) / (double) n, n, (after - before) / 1e6);
    }

    private static long usedAfterGc() {
        var mem = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) System.gc();
        return mem.getHeapMemoryUsage().getUsed();
    }
}
