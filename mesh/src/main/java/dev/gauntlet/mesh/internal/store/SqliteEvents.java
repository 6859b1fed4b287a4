package dev.gauntlet.mesh.internal.store;

import static dev.gauntlet.mesh.internal.store.SqliteDatabase.instant;
import static dev.gauntlet.mesh.internal.store.SqliteDatabase.ms;

import dev.gauntlet.mesh.event.EventLog;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.event.StoredEvent;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Published events in SQLite (table {@code events}); a batch is one transaction. */
final class SqliteEvents implements EventLog {
    private static final String INSERT = "INSERT INTO events (at, connector, type, json) VALUES (?, ?, ?, ?)";
    private final SqliteDatabase db;

    SqliteEvents(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public void appendEvent(MeshEvent event) {
        appendEvents(List.of(event));
    }

    @Override
    public void appendEvents(List<MeshEvent> batch) {
        if (batch.isEmpty()) return;
        // Written as JSON before the lock is taken: the lock is held for the inserts only.
        var json = new ArrayList<String>(batch.size());
        for (MeshEvent e : batch) json.add(StoredEvent.json(e));
        db.transaction(() -> {
            PreparedStatement p = db.ps(INSERT);
            for (int i = 0; i < batch.size(); i++) {
                MeshEvent e = batch.get(i);
                p.setLong(1, ms(e.at()));
                p.setString(2, e.connector());
                p.setString(3, e.type());
                p.setString(4, json.get(i));
                p.addBatch();
            }
            return p.executeBatch();
        });
    }

    @Override
    public List<StoredEvent> recentEvents(String connector, int limit) {
        return db.read(() -> {
            PreparedStatement p;
            if (connector == null) {
                p = db.ps("SELECT id, at, connector, type, json FROM events ORDER BY id DESC LIMIT ?");
                p.setInt(1, limit);
            } else {
                p = db.ps(
                        "SELECT id, at, connector, type, json FROM events WHERE connector = ? ORDER BY id DESC LIMIT ?");
                p.setString(1, connector);
                p.setInt(2, limit);
            }
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
        });
    }
}
