package dev.gauntlet.farm.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.farm.http.FarmRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdempotencyFingerprintTest {

    private static String of(String method, String path, String contentType, String body) {
        return IdempotencyFingerprint.of(
                new FarmRequest(method, path, Map.of(), h -> null, body.getBytes(StandardCharsets.UTF_8), contentType));
    }

    private static String form(String body) {
        return of("POST", "/v1/customers", "application/x-www-form-urlencoded", body);
    }

    @Test
    void shouldMatchWhenAFormHasTheSameParametersInAnotherOrderOrEncoding() {
        assertThat(form("b=2&a=1&metadata%5Bop_id%5D=x")).isEqualTo(form("metadata[op_id]=x&a=1&b=2"));
        assertThat(form("name=Ada+L")).isEqualTo(form("name=Ada%20L"));
    }

    @Test
    void shouldDifferWhenAValueTheEndpointOrTheOrderOfAnArrayDiffers() {
        assertThat(form("a=1")).isNotEqualTo(form("a=2"));
        assertThat(form("a=1"))
                .isNotEqualTo(of("POST", "/v1/payment_intents", "application/x-www-form-urlencoded", "a=1"));
        assertThat(form("expand[]=a&expand[]=b")).isNotEqualTo(form("expand[]=b&expand[]=a"));
        assertThat(form("a=1&b=")).isNotEqualTo(form("a=1"));
    }

    @Test
    void shouldCompareOtherBodiesByteForByte() {
        assertThat(of("POST", "/x", "application/json", "{\"a\":1,\"b\":2}"))
                .isNotEqualTo(of("POST", "/x", "application/json", "{\"b\":2,\"a\":1}"));
        assertThat(form("a=%zz")).isNotEqualTo(form("a=%zy"));
    }
}
