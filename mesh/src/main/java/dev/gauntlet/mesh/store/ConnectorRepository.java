package dev.gauntlet.mesh.store;

import java.util.Map;
import java.util.Optional;

/** Connector definitions as the AAM server keeps them: id → the spec as a JSON string. */
public interface ConnectorRepository {
    void saveConnector(String id, String specJson);

    Optional<String> loadConnector(String id);

    /** Every stored connector, by id in id order. */
    Map<String, String> loadConnectors();

    boolean deleteConnector(String id);
}
