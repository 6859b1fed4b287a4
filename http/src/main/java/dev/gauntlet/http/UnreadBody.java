package dev.gauntlet.http;

import jakarta.servlet.http.HttpServletRequest;
import java.io.InputStream;

/**
 * Reads and drops what a client still sends of a request body its handler did not read (an action that takes no body,
 * a request refused at the edge), up to a limit, before the answer goes out. Otherwise the server closes a connection
 * with unread bytes waiting, the kernel turns the close into a TCP reset, and the reset can destroy the answer before
 * the client reads it ("header parser received no bytes" from the JDK client). Longer bodies are left: the answer
 * then goes out with a closed connection.
 */
public final class UnreadBody {

    /** Bodies up to this much unread are drained; a body the handler read is at its end already and costs nothing. */
    public static final long LIMIT = 1024 * 1024;

    private UnreadBody() {}

    /** Drains the rest of the request's body, at most {@link #LIMIT} bytes; never throws. */
    public static void drain(HttpServletRequest request) {
        drain(request, LIMIT);
    }

    /**
     * Drains the rest of the request's body, at most {@code limit} bytes; nothing when it announced a longer one (a
     * chunked body announces none and is read up to the limit). Never throws.
     */
    public static void drain(HttpServletRequest request, long limit) {
        long declared = request.getContentLengthLong();
        if (declared == 0 || declared > limit) return;
        try {
            InputStream in = request.getInputStream();
            byte[] buf = new byte[16 * 1024];
            long left = limit;
            for (int n; left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0; ) left -= n;
        } catch (Exception gone) {
            // The client stopped sending, or the stream was read another way: nothing to drain.
        }
    }
}
