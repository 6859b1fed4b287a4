package dev.gauntlet.farm.chaos;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The chaos dial: a global level and per-service overrides, each optionally for a duration after which the level it
 * replaced returns. Time comes from the injected clock, so expiry is tested without waiting.
 */
public final class ChaosControl {

    /** A level in force, with the one to return to when it expires. */
    record Setting(ChaosLevel level, Instant until, Setting previous) {
        Setting current(Instant now) {
            Setting s = this;
            while (s.until != null && !now.isBefore(s.until) && s.previous != null) s = s.previous;
            return s;
        }
    }

    /** One turn of the dial, for the status page and the UI timeline. */
    public record Change(Instant at, String level, List<String> services, Long durationS) {}

    private final ChaosCatalog catalog;
    private final InstantSource clock;
    private volatile Setting global;
    private final Map<String, Setting> overrides = new ConcurrentHashMap<>();
    private final List<Change> history = new CopyOnWriteArrayList<>();

    public ChaosControl(ChaosCatalog catalog, InstantSource clock) {
        this.catalog = catalog;
        this.clock = clock;
        this.global = new Setting(catalog.level("calm"), null, null);
    }

    public ChaosCatalog catalog() {
        return catalog;
    }

    /**
     * Sets a level for the listed services, or for all when the list is empty (which also clears overrides).
     *
     * @param duration how long it holds before the previous level returns; null holds until changed
     */
    public synchronized Change set(String levelName, Collection<String> services, Duration duration) {
        ChaosLevel level = catalog.level(levelName);
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("duration_s must be > 0, was " + duration.toSeconds());
        }
        Instant now = clock.instant();
        Instant until = duration == null ? null : now.plus(duration);
        if (services == null || services.isEmpty()) {
            Setting before = global.current(now);
            global = new Setting(level, until, until == null ? null : before);
            if (until == null) {
                overrides.clear();
            } else {
                // A timed global level must win over overrides while it lasts and give them back afterwards.
                overrides.replaceAll((id, s) -> new Setting(level, until, s.current(now)));
            }
        } else {
            for (String id : services) {
                Setting before = overrides.containsKey(id) ? overrides.get(id).current(now) : global.current(now);
                overrides.put(id, new Setting(level, until, until == null ? null : before));
            }
        }
        Change change = new Change(
                now,
                levelName,
                services == null ? List.of() : List.copyOf(services),
                duration == null ? null : duration.toSeconds());
        history.add(change);
        if (history.size() > 1000) history.removeFirst();
        return change;
    }

    /** The level in force for a service now. */
    public ChaosLevel levelFor(String service) {
        Instant now = clock.instant();
        Setting s = overrides.get(service);
        return (s != null ? s : global).current(now).level();
    }

    public ChaosLevel globalLevel() {
        return global.current(clock.instant()).level();
    }

    /** When the level in force for the service ends, or null when it holds until changed. */
    public Instant expiresAt(String service) {
        Setting s = overrides.get(service);
        return (s != null ? s : global).current(clock.instant()).until();
    }

    public List<Change> history() {
        return new ArrayList<>(history);
    }

    public synchronized void reset() {
        global = new Setting(catalog.level("calm"), null, null);
        overrides.clear();
        history.clear();
    }
}
