package dev.gauntlet.cli.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import dev.gauntlet.mesh.call.Secrets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Configured secret values never reach the log, in messages or in stack traces. */
class MaskedLogTest {

    @Test
    void shouldMaskRegisteredSecretValuesInMessagesAndStackTraces() {
        Object owner = new Object();
        Secrets.register(owner, List.of("planted-log-secret-99"));
        try {
            LoggerContext context = new LoggerContext();
            var event = new LoggingEvent(
                    "x",
                    context.getLogger("test"),
                    Level.WARN,
                    "calling {} failed",
                    new IllegalStateException("refused: key planted-log-secret-99"),
                    new Object[] {"https://h/t?client_secret=planted-log-secret-99"});
            MaskedMessage msg = new MaskedMessage();
            assertThat(msg.convert(event)).isEqualTo("calling https://h/t?client_secret=*** failed");
            MaskedThrowable ex = new MaskedThrowable();
            ex.setContext(context);
            ex.start();
            String trace = ex.convert(event);
            assertThat(trace).contains("refused: key ***").doesNotContain("planted-log-secret-99");
            assertThat(event.getThrowableProxy()).isInstanceOf(ThrowableProxy.class);
        } finally {
            Secrets.unregister(owner);
        }
    }
}
