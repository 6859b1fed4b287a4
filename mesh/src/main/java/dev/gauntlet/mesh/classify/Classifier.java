package dev.gauntlet.mesh.classify;

import dev.gauntlet.mesh.MeshResponse;
import java.io.IOException;
import java.net.http.HttpTimeoutException;

/**
 * Turns an upstream answer or an I/O failure into exactly one {@link ErrorClass} (or success). Rules are data per
 * vendor flavour; this first version reads statuses only (classify/ refines it per vendor).
 */
public final class Classifier {

    private final String flavor;

    public Classifier(String flavor) {
        this.flavor = flavor;
    }

    public String flavor() {
        return flavor;
    }

    /** null for a success, else the class of the failed answer. */
    public ErrorClass classify(MeshResponse response) {
        int s = response.status();
        if (s < 400) return null;
        if (s == 401) return ErrorClass.auth_expired;
        if (s == 429) return ErrorClass.rate_limit;
        if (s >= 500) return ErrorClass.server_error;
        return ErrorClass.client_error;
    }

    public ErrorClass classify(IOException failure) {
        return failure instanceof HttpTimeoutException ? ErrorClass.timeout : ErrorClass.network_error;
    }
}
