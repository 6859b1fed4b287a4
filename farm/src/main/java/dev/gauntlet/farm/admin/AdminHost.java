package dev.gauntlet.farm.admin;

import java.nio.file.Path;
import java.util.Map;

/** What the admin API needs of the server it runs in (the farm's server implements it). */
public interface AdminHost {

    /** The farm's root URL as it listens, e.g. {@code http://127.0.0.1:8081}. */
    String url();

    /** The port a service answers on at the root, or -1 when it has none. */
    int servicePort(String serviceId);

    /** Re-reads the services folder now instead of waiting for the next scan. */
    void rescanNow();

    /** The data folder the ground truth is kept in, or null (memory only). */
    Path dataDir();

    /** What the start restored from the data folder (counts), or null without one. */
    Map<String, Integer> restored();
}
