package dev.gauntlet.cli.log;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import dev.gauntlet.mesh.call.Secrets;

/** Stack traces with every configured secret value masked: an exception's message may quote a URL or a header. */
public final class MaskedThrowable extends ThrowableProxyConverter {
    @Override
    protected String throwableProxyToString(IThrowableProxy tp) {
        return Secrets.mask(super.throwableProxyToString(tp));
    }
}
