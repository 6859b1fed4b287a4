package dev.gauntlet.farm.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.gauntlet.http.ProcessFigures;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The admin answers the UI and the harness read, as records: the OpenAPI document's schemas are generated from them
 * ({@link dev.gauntlet.http.JsonSchemas}). Keys in snake_case by annotation: the farm's mapper also writes the vendors'
 * bodies, so it keeps Jackson's default naming.
 */
final class AdminViews {
    private AdminViews() {}

    /**
     * {@code GET /admin/status} (and {@code POST /admin/services/reload}).
     *
     * @param errors the first name of {@code service_errors}, kept for clients written against it
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record FarmStatus(
            long seed,
            ChaosView chaos,
            List<ServiceStatus> services,
            List<ServiceError> serviceErrors,
            List<ServiceError> errors,
            LedgerCounts ledger,
            GroundTruth groundTruth,
            ProcessFigures process) {}

    /**
     * One service in {@code GET /admin/status}.
     *
     * @param port       its own port, or null when it is served on the main port only
     * @param refreshReuseRefused refresh tokens refused as already used (a client that refreshed with a spent token)
     * @param lastReload what the last reload of its file kept and reset; null when the file was not reloaded
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ServiceStatus(
            String id,
            String flavor,
            String basePath,
            Integer port,
            String source,
            String auth,
            String errorProfile,
            String chaosLevel,
            String chaosExpiresAt,
            long requests,
            Map<String, Long> faults,
            long faultsTotal,
            long rateLimited,
            Map<String, Object> rateLimit,
            long tokensIssued,
            long tokensRefreshed,
            long refreshReuseRefused,
            Map<String, Object> drift,
            Map<String, Integer> resources,
            Map<String, Object> lastReload) {}

    /** A services-folder file the farm could not load: where, and why. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ServiceError(String file, int line, String field, String message) {}

    /** The ledger's counts: committed writes, and how many were duplicates. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record LedgerCounts(long commits, long duplicates) {}

    /**
     * Where the ledger and the fault log are kept: {@code kept} memory, or disk with the files (only then the rest).
     *
     * @param restored what the start restored from the data folder (counts)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record GroundTruth(
            String kept,
            @JsonInclude(JsonInclude.Include.NON_NULL) String data,
            @JsonInclude(JsonInclude.Include.NON_NULL) String ledgerFile,
            @JsonInclude(JsonInclude.Include.NON_NULL) String faultLogFile,
            @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Integer> restored,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long writeFailures) {}

    /** {@code GET /admin/chaos}: the global level, the levels there are, each service's level, and the changes. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ChaosView(
            String level, Collection<String> levels, Map<String, String> services, List<ChaosChange> history) {}

    /** One change of the chaos dial ({@code duration_s} null: until the next change). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ChaosChange(String at, String level, List<String> services, Long durationS) {}

    /** {@code GET /admin/faults}: how many faults the filter matches in all, and the page returned. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record FaultList(long total, int returned, List<FaultEntry> entries) {}

    /**
     * One injected fault (or a reload's reset) in the fault log.
     *
     * @param status   the status answered (absent for a fault that answered none: a reset, a truncated body)
     * @param resource the resource a reload reset (absent otherwise)
     * @param reason   why it was reset (absent otherwise)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record FaultEntry(
            long seq,
            String service,
            String client,
            long ordinal,
            String type,
            @JsonInclude(JsonInclude.Include.NON_NULL) Integer status,
            @JsonInclude(JsonInclude.Include.NON_NULL) String resource,
            @JsonInclude(JsonInclude.Include.NON_NULL) String reason,
            boolean afterCommit,
            String method,
            String path,
            String at) {}

    /** {@code GET /admin/ledger}: the writes the filter matches, and how many of them committed more than once. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record LedgerList(int total, long duplicates, List<LedgerEntry> entries) {}

    /** One logical write in the ledger: how often it committed, and when first and last. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record LedgerEntry(
            String service,
            String resource,
            String opId,
            String idempotencyKey,
            int commits,
            int reapplied,
            String firstAt,
            String lastAt,
            String operation,
            String recordId) {}
}
