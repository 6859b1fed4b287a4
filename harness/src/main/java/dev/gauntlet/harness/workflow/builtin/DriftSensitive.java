package dev.gauntlet.harness.workflow.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.harness.workflow.ApiResult;
import dev.gauntlet.harness.workflow.Workflow;
import dev.gauntlet.harness.workflow.WorkflowContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads Salesforce accounts by id and checks the custom field the workflow knows ({@code Account_Name__c}) is there
 * with the value it had before an admin renamed its API name (the farm's drift to {@code Name__c}): counts correct
 * values before and after the drift.
 */
public final class DriftSensitive implements Workflow {

    static final String QUERY = "/services/data/v59.0/query?q="
            + URLEncoder.encode("SELECT Id, Account_Name__c FROM Account ORDER BY Id LIMIT 50", StandardCharsets.UTF_8)
                    .replace("+", "%20");
    static final String RECORD = "/services/data/v59.0/sobjects/Account/";
    /** The custom field the workflow was written against. */
    static final String FIELD = "Account_Name__c";

    /** Record id → the Account_Name__c first seen for it. */
    private final Map<String, String> known = new ConcurrentHashMap<>();

    private volatile String[] ids;

    @Override
    public String name() {
        return "drift_sensitive";
    }

    @Override
    public String description() {
        return "reads the custom field Account_Name__c of Salesforce accounts through its rename to Name__c and counts correct values before and after";
    }

    @Override
    public boolean supports(String flavor) {
        return flavor.equals("salesforce");
    }

    @Override
    public ApiResult iterate(WorkflowContext ctx, long seq) {
        String[] page = ids;
        if (page == null) {
            // First learn which accounts exist (and their names, before any drift) from one query.
            ApiResult q = ctx.api().get(QUERY);
            if (!q.ok() || q.json() == null) return q;
            var found = new ArrayList<String>();
            for (JsonNode r : q.json().path("records")) {
                String id = r.path("Id").asText(null);
                String value = r.path(FIELD).asText(null);
                if (id != null && value != null) {
                    found.add(id);
                    known.putIfAbsent(id, value);
                }
            }
            if (found.isEmpty()) return q.withCorrect(false);
            ids = page = found.toArray(String[]::new);
            return q.withCorrect(true);
        }
        String id = page[(int) (seq % page.length)];
        ApiResult r = ctx.api().get(RECORD + id);
        if (!r.ok() || r.json() == null) return r;
        String value = r.json().path(FIELD).asText(null);
        return r.withCorrect(value != null && value.equals(known.get(id)));
    }
}
