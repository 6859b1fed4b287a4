package dev.gauntlet.mesh.drift;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Where learned response schemas and field mappings are kept, per connector and endpoint. */
public interface SchemaRepository {
    Map<String, JsonNode> loadSchemas(String connector);

    void saveSchema(String connector, String endpoint, JsonNode schema);
}
