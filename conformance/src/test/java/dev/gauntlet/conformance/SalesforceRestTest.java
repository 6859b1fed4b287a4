package dev.gauntlet.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Salesforce's documented REST calls ({@link SalesforceRest}; Salesforce has no official Java or JavaScript client)
 * against the farm and through the AAM's proxy, and at storm the application's retries of the one write Salesforce
 * makes idempotent, the upsert by External ID, committing every write once.
 */
class SalesforceRestTest extends VendorClientTest {

    static final String SERVICE = "salesforce_mock";

    /** How a client reaches Salesforce: it logs in at a login URL, or (behind the proxy) is handed an instance. */
    record Target(String name, String loginUrl, String proxiedInstance) {
        @Override
        public String toString() {
            return name;
        }

        SalesforceRest connect() throws IOException {
            if (proxiedInstance != null) return new SalesforceRest(proxiedInstance, "dummy-the-proxy-drops-it");
            SalesforceRest sf = new SalesforceRest();
            sf.login(loginUrl, "gauntlet", "gauntlet-secret");
            return sf;
        }
    }

    @Override
    String service() {
        return SERVICE;
    }

    Stream<Target> targets() {
        return Stream.of(
                new Target("farm, base path", rig.farmBase("/api/salesforce"), null),
                new Target("farm, service port", rig.farmServicePort(SERVICE), null),
                new Target("AAM proxy path", null, rig.proxy(SERVICE)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void shouldRunTheDocumentedCallsWhenOnlyTheInstanceChanges(Target target) throws IOException {
        try (SalesforceRest sf = target.connect()) {
            List<JsonNode> accounts = sf.queryAll("SELECT Id, Name FROM Account", 200);
            assertThat(accounts).as("every batch through nextRecordsUrl").hasSizeGreaterThanOrEqualTo(1_000);
            assertThat(accounts.stream()
                            .map(a -> a.path("Id").asText())
                            .distinct()
                            .count())
                    .isEqualTo(accounts.size());

            String run = UUID.randomUUID().toString();
            String id = sf.create(
                    "Account", Map.of("Name", "Conformance " + run, "External_Id__c", "conf-sf-create-" + run));
            assertThat(id).startsWith("001");
            assertThat(sf.get("Account", id).path("Name").asText()).isEqualTo("Conformance " + run);
            sf.update("Account", id, Map.of("Name", "Conformance updated"));
            assertThat(sf.get("Account", id).path("Name").asText()).isEqualTo("Conformance updated");

            String ext = "conf-sf-upsert-" + run;
            JsonHttp.Answer first = sf.upsert("Account", "External_Id__c", ext, Map.of("Name", "Upserted"));
            assertThat(first.status()).isEqualTo(201);
            assertThat(first.json().path("created").asBoolean()).isTrue();
            JsonHttp.Answer again = sf.upsert("Account", "External_Id__c", ext, Map.of("Name", "Upserted again"));
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.json().path("created").asBoolean()).isFalse();
            assertThat(again.json().path("id").asText())
                    .isEqualTo(first.json().path("id").asText());
        }
        assertThat(rig.ledgerEntries(SERVICE, "conf-sf-upsert-"))
                .isNotEmpty()
                .allSatisfy(e ->
                        assertThat(e.path("commits").asInt()).as(e.toString()).isEqualTo(1));
    }

    /**
     * At storm every write is an upsert by External ID, resent by the application after any failure (Salesforce sends
     * no Retry-After with REQUEST_LIMIT_EXCEEDED, and a revoked session is a new login): each one commits once.
     */
    @Test
    void shouldCommitEveryUpsertExactlyOnceAtStorm() throws Exception {
        String run = "conf-sf-storm-" + UUID.randomUUID().toString().substring(0, 8);
        int writes = 30;
        Target direct = targets().findFirst().orElseThrow();
        long mark = rig.faultMark(SERVICE);
        int resends = 0;
        rig.chaos(SERVICE, "storm");
        try (SalesforceRest sf = new SalesforceRest()) {
            for (int i = 0; i < writes; i++) resends += upsertUntilDone(sf, direct, run + "-" + i);
        } finally {
            rig.chaos(SERVICE, "calm");
        }
        assertEachCommittedOnce(run, writes);
        Rig.report(String.format(
                "salesforce REST (documented calls) at storm: %d upserts by External_Id__c, each committed once (asserted) "
                        + "after %d resends by the application; faults met: %s",
                writes, resends, rig.faultsSince(SERVICE, mark)));
    }

    /** One upsert, resent after any failure (at most 10 times); a login first and after a 401. Returns the resends. */
    private static int upsertUntilDone(SalesforceRest sf, Target target, String ext) throws Exception {
        IOException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                if (sf.instanceUrl() == null) sf.login(target.loginUrl(), "gauntlet", "gauntlet-secret");
                sf.upsert("Account", "External_Id__c", ext, Map.of("Name", "Storm " + ext));
                return attempt;
            } catch (SalesforceRest.SalesforceError e) {
                last = e;
                if (e.status == 401) sf.login(target.loginUrl(), "gauntlet", "gauntlet-secret");
                else if (e.status < 500 && !"REQUEST_LIMIT_EXCEEDED".equals(e.errorCode)) throw e;
            } catch (IOException e) {
                last = e; // reset, closed, cut short or timed out: the upsert is safe to send again
            }
            Thread.sleep(20L * (attempt + 1));
        }
        throw last;
    }
}
