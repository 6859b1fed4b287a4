package dev.gauntlet.cli.log;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.gauntlet.mesh.call.Secrets;

/** {@code %msg} with every configured secret value masked (logback.xml maps {@code msg} to it). */
public final class MaskedMessage extends MessageConverter {
    @Override
    public String convert(ILoggingEvent event) {
        return Secrets.mask(super.convert(event));
    }
}
