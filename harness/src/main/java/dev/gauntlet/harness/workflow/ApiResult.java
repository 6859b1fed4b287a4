package dev.gauntlet.harness.workflow;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The result of one logical call as the harness records it.
 *
 * @param errorClass   null on success, else the mesh's error class name (client_error, server_error, …)
 * @param attempts     tries the call took (1 without retries)
 * @param deadLettered the write is parked in the DLQ (not lost: a replay will carry it)
 * @param correct      for workflows that check a value (drift_sensitive): whether it was right; null otherwise
 */
public record ApiResult(
        String connector,
        int status,
        JsonNode json,
        String errorClass,
        int attempts,
        boolean deadLettered,
        boolean stale,
        Boolean correct) {

    public boolean ok() {
        return errorClass == null;
    }

    public ApiResult withCorrect(boolean value) {
        return new ApiResult(connector, status, json, errorClass, attempts, deadLettered, stale, value);
    }
}
