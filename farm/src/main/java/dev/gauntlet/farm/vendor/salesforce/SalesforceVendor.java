package dev.gauntlet.farm.vendor.salesforce;

import dev.gauntlet.farm.auth.TokenStore;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.limit.LimitDecision;
import dev.gauntlet.farm.vendor.Credential;
import dev.gauntlet.farm.vendor.FarmError;
import dev.gauntlet.farm.vendor.RouteTable;
import dev.gauntlet.farm.vendor.Service;
import dev.gauntlet.farm.vendor.Vendor;

/**
 * Salesforce REST API: OAuth 2.0 token endpoint at {@code /services/oauth2/token}, sObject rows under each resource's
 * path ({@code /services/data/v59.0/sobjects/Account}, see {@link SalesforceRows}) with upsert by External ID, SOQL at
 * {@code /services/data/v59.0/query} with {@code nextRecordsUrl} batches, 18-character ids, errors as
 * {@code [{"message","errorCode"[,"fields"]}]}, {@code Sforce-Limit-Info} on every counted answer and no idempotency
 * keys (Salesforce has none; its idempotent write is the upsert).
 */
public final class SalesforceVendor implements Vendor {

    @Override
    public String name() {
        return "salesforce";
    }

    /** Salesforce takes {@code Authorization: Bearer <token>} and the older {@code OAuth <token>} scheme. */
    @Override
    public Credential credential(FarmRequest request) {
        return new Credential(Credential.bearerOf(request.header("Authorization")), null);
    }

    @Override
    public Reply error(FarmError error) {
        return SalesforceErrors.of(error);
    }

    /**
     * Salesforce's second limit: an injected rate-limit fault is the concurrent long-running request limit, so
     * Sforce-Limit-Info keeps the org's real daily count on that answer.
     */
    @Override
    public boolean secondaryLimits() {
        return true;
    }

    /**
     * REST API "Limit Info Header": "This response header is returned in each request to REST API" - successes and
     * errors alike (a recorded 400 INVALID_FIELD carries "Sforce-Limit-Info: api-usage=60/100000"):
     * {@code api-usage=<used>/<limit>} of the org's rolling allocation.
     */
    @Override
    public void limitHeaders(LimitDecision limit, Reply reply) {
        reply.header(
                "Sforce-Limit-Info",
                "api-usage=" + Math.max(0, limit.limit() - limit.remaining()) + "/" + limit.limit());
    }

    @Override
    public Reply tokenReply(Service service, TokenStore.Issued issued, FarmRequest request) {
        return SalesforceOAuth.tokenReply(service, issued, request);
    }

    @Override
    public Reply tokenError(FarmError error) {
        return SalesforceOAuth.tokenError(error);
    }

    @Override
    public ResourceStore.IdMinter ids() {
        return SalesforceIds.minter();
    }

    @Override
    public void routes(Service service, RouteTable table) {
        SalesforceRoutes.register(service, table);
    }
}
