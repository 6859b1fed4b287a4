package dev.gauntlet.farm.vendor.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The Search Query Language subset, clause by clause, against a rendered customer. */
class StripeQueryTest {

    private static final ObjectNode ADA;

    static {
        try {
            ADA = (ObjectNode) new ObjectMapper().readTree("""
                    {"id":"cus_1","email":"ada@example.com","name":"Ada Lovelace","phone":null,"created":1700000000,
                     "metadata":{"op_id":"op-1","team":"it's"}}""");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean matches(String query) {
        return StripeQuery.parse(StripeObjects.CUSTOMER, query)
                .matches(ADA, StripeQuery.fields(StripeObjects.CUSTOMER));
    }

    @Test
    void shouldMatchClausesJoinedBySpacesAndOrOr() {
        assertThat(matches("metadata['op_id']:'op-1' email:\"ADA@example.com\""))
                .isTrue();
        assertThat(matches("metadata[\"op_id\"]:'op-1' and name:'nobody'")).isFalse();
        assertThat(matches("name:'nobody' OR name~'love'")).isTrue();
        assertThat(matches("-email:'ada@example.com'")).isFalse();
        assertThat(matches("created>=1700000000 AND created<1700000001")).isTrue();
        assertThat(matches("metadata['missing']:null -metadata['op_id']:null")).isTrue();
        assertThat(matches("metadata['team']:'it\\'s'"))
                .as("a backslash escapes a quote")
                .isTrue();
    }

    @Test
    void shouldRefuseWhatStripeRefusesWithTheReason() {
        assertThatThrownBy(() -> matches("nickname:'x'"))
                .hasMessageContaining("unsupported search field for resource `customers`");
        assertThatThrownBy(() -> matches("name:'a' AND email:'b' OR phone:'c'"))
                .hasMessageContaining("mutually exclusive");
        assertThatThrownBy(() -> matches("name:Ada")).hasMessageContaining("in quotes");
        assertThatThrownBy(() -> matches("name~'ad'")).hasMessageContaining("at least 3");
        assertThatThrownBy(() -> matches("name>'a'")).hasMessageContaining("numeric");
        assertThatThrownBy(() -> matches("created>soon")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> matches("email:'a")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> matches("email:'1' ".repeat(11))).hasMessageContaining("at most 10");
    }
}
