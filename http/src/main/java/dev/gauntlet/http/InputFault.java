package dev.gauntlet.http;

import java.io.IOException;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;

/**
 * Tells a client's malformed request apart from a server's own bug, for an exception that reached a server's last line
 * of defence: a body whose transfer broke off (a malformed chunk, fewer bytes than Content-Length), a path escape
 * Javalin's decoder refuses ({@code %uD800}) or a charset the JVM does not know ({@code charset=ebcdic}) are the
 * client's input, answered 400 naming the part at fault; anything else stays a 500.
 */
public final class InputFault {

    private InputFault() {}

    /** The 400 for a client's malformed input found anywhere in the cause chain, or null when the fault is the server's. */
    public static Refusal of(Throwable thrown) {
        for (Throwable e = thrown; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof IllegalCharsetNameException || e instanceof UnsupportedCharsetException) {
                return new Refusal(
                        400,
                        "Content-Type",
                        "unsupported charset in Content-Type: send the body as UTF-8 (charset=utf-8)");
            }
            if (e instanceof IllegalArgumentException
                    && e.getMessage() != null
                    && e.getMessage().startsWith("URLDecoder:")) {
                return new Refusal(
                        400,
                        "path",
                        "malformed percent-escape in the request's path: "
                                + e.getMessage().substring("URLDecoder: ".length())
                                + "; escapes are % and two hexadecimal digits of UTF-8");
            }
            // Jetty's EofException / HttpEofException (IOExceptions, undeclared through Kotlin) while the body was
            // read.
            if (e instanceof IOException) {
                return new Refusal(
                        400,
                        "body",
                        "request body could not be read (" + e.getClass().getSimpleName()
                                + "): a malformed chunked encoding, or fewer bytes than Content-Length");
            }
        }
        return null;
    }
}
