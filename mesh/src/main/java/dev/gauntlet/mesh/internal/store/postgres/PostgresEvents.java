package dev.gauntlet.mesh.internal.store.postgres;

import static dev.gauntlet.mesh.internal.store.postgres.PostgresDatabase.instant;
import static dev.gauntlet.mesh.internal.store.postgres.PostgresDatabase.setInstant;

import dev.gauntlet.mesh.event.EventLog;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.event.StoredEvent;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Published events in PostgreSQL (table {@code events}); a batch is one transaction. */
final class PostgresEvents implements EventLog {
    private final PostgresDatabase db;

    PostgresEvents(PostgresDatabase db) {
        this.db = db;
    }

    @Override
    public void appendEvent(MeshEvent event) {
        appendEvents(List.of(event));
    }

    @Override
    public void appendEvents(List<MeshEvent> batch) {
        if (batch.isEmpty()) return;
        var json = new ArrayList<String>(batch.size());
        for (MeshEvent e : batch) json.add(StoredEvent.json(e));
        db.transaction(c -> {
            try (PreparedStatement p =
                    c.prepareStatement("INSERT INTO events (at, connector, type, json) VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < batch.size(); i++) {
                    MeshEvent e = batch.get(i);
                    setInstant(p, 1, e.at());
                    p.setString(2, e.connector());
                    p.setString(3, e.type());
                    p.setString(4, json.get(i));
                    p.addBatch();
                }
                return p.executeBatch();
            }
        });
    }

    @Override
    public List<StoredEvent> recentEvents(String connector, int limit) {
        return db.read(c -> {
            String sql = connector == null
                    ? "SELECT id, at, connector, type, json FROM events ORDER BY id DESC LIMIT ?"
                    : "SELECT id, at, connector, type, json FROM events WHERE connector = ? ORDER BY id DESC LIMIT ?";
            try (PreparedStatement p = c.prepareStatement(sql)) {
                int i = 1;
                if (connector != null) p.setString(i++, connector);
                p.setInt(i, limit);
                var out = new ArrayList<StoredEvent>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StoredEvent(
                                rs.getLong("id"),
                                instant(rs, "at"),
                                rs.getString("connector"),
                                rs.getString("type"),
                                rs.getString("json")));
                    }
                }
                return out;
            }
        });
    }
}
