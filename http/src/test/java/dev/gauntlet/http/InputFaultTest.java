package dev.gauntlet.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class InputFaultTest {

    @Test
    void shouldNameThePartOfAMalformedRequest() {
        Exception escape = catching(() -> URLDecoder.decode("%uD800", StandardCharsets.UTF_8));
        assertThat(InputFault.of(escape))
                .extracting(Refusal::status, Refusal::field)
                .containsExactly(400, "path");
        assertThat(InputFault.of(catching(() -> Charset.forName("ebcdic"))))
                .extracting(Refusal::field)
                .isEqualTo("Content-Type");
        assertThat(InputFault.of(catching(() -> Charset.forName(""))))
                .extracting(Refusal::field)
                .isEqualTo("Content-Type");
        assertThat(InputFault.of(new RuntimeException(new EOFException("early EOF"))))
                .extracting(Refusal::status, Refusal::field, Refusal::error)
                .containsExactly(400, "body", "bad_request");
    }

    @Test
    void shouldLeaveTheServersOwnFaultsAlone() {
        assertThat(InputFault.of(new NullPointerException())).isNull();
        assertThat(InputFault.of(new IllegalArgumentException("limit must be positive")))
                .isNull();
        assertThat(InputFault.of(new IllegalStateException("boom", new IllegalStateException())))
                .isNull();
    }

    private static Exception catching(Runnable r) {
        try {
            r.run();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("expected an exception");
    }
}
