package dev.gauntlet.farm.vendor.mongodb;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.vendor.Credential;
import dev.gauntlet.farm.vendor.FarmError;
import dev.gauntlet.farm.vendor.RouteTable;
import dev.gauntlet.farm.vendor.Service;
import dev.gauntlet.farm.vendor.Vendor;
import java.time.Instant;

/**
 * The MongoDB Atlas Data API (v1): {@code POST …/action/<name>} with an {@code apiKey} header and a JSON body naming
 * dataSource, database and collection. Every collection of the service shares its resource path; the body's
 * {@code collection} picks the resource. Answers {@code {"documents"}}, {@code {"document"}}, {@code {"insertedId"}}, …;
 * errors {@code {"error","error_code","link"}}. No idempotency keys: the idempotent writes are updateOne and replaceOne
 * with {@code "upsert": true} on a unique field ({@code resources[].unique}, a unique index). Reference:
 * mongodb.com/docs/api/doc/atlas-data-api-v1 (deprecated September 2024, end of life September 30, 2025).
 */
public final class MongoVendor implements Vendor {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** ObjectId timestamps start here, so ids sort in creation order like real ObjectIds. */
    private static final long OID_EPOCH = Instant.parse("2025-01-01T00:00:00Z").getEpochSecond();

    @Override
    public String name() {
        return "mongodb";
    }

    /** {@code apiKey} is the documented header; the beta docs and older clients send {@code api-key}. */
    @Override
    public Credential credential(FarmRequest request) {
        String key = request.header("apiKey");
        if (key == null) key = request.header("api-key");
        return new Credential(null, key);
    }

    @Override
    public Reply error(FarmError error) {
        return MongoErrors.of(error);
    }

    /** 24-hex ObjectIds: 4 bytes of seconds, 5 random bytes, 3 bytes of counter (BSON spec), all from the seed. */
    @Override
    public ResourceStore.IdMinter ids() {
        return (resource, seq, random) -> {
            long seconds = OID_EPOCH + seq;
            long rnd = random.nextLong() & 0xFF_FFFF_FFFFL;
            String hex = String.format("%08x%010x%06x", seconds & 0xFFFF_FFFFL, rnd, seq & 0xFF_FFFF);
            return F.textNode(hex);
        };
    }

    @Override
    public void routes(Service service, RouteTable table) {
        MongoRoutes.register(service, table);
    }
}
