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

    /**
     * A counter every save and delete moves (in the same transaction as the change, where the store has them): a node
     * that read the connectors when it was {@code n} reads them again only once it is not. A store of one node may
     * count in memory (it starts again at 0 when opened).
     */
    long changes();
}
