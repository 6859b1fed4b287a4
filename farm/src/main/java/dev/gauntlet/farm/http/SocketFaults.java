package dev.gauntlet.farm.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;

/**
 * Faults a client sees at the socket, done on the real TCP connection under Jetty: a reset (RST), a close before any
 * byte of the answer (FIN), and an answer whose body stops short of its Content-Length.
 */
public final class SocketFaults {
    private SocketFaults() {}

    /** TCP reset: SO_LINGER 0 then close makes the kernel send RST instead of FIN. */
    public static void reset(Context ctx) {
        EndPoint ep = endPoint(ctx);
        if (ep instanceof SocketChannelEndPoint s) {
            try {
                s.getChannel().setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException ignored) {
                // Already closed by the peer: a reset has nothing left to do.
            }
        }
        ep.close();
    }

    /** Orderly close (FIN) before any response byte: the client reads end-of-stream where the status line should be. */
    public static void close(Context ctx) {
        EndPoint ep = endPoint(ctx);
        ep.shutdownOutput();
        ep.close();
    }

    /**
     * Sends the status line and headers announcing the whole body, half of the body, then closes: the client's
     * read ends early (a "truncated body").
     */
    public static void truncate(Context ctx, Reply reply) {
        EndPoint ep = endPoint(ctx);
        byte[] body = reply.body().length > 1 ? reply.body() : "{\"truncated\":true}".getBytes(StandardCharsets.UTF_8);
        var head = new StringBuilder("HTTP/1.1 ")
                .append(reply.status())
                .append(' ')
                .append(reason(reply.status()))
                .append("\r\n");
        if (reply.contentType() != null)
            head.append("Content-Type: ").append(reply.contentType()).append("\r\n");
        for (Map.Entry<String, String> h : reply.headers().entrySet()) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer buf = ByteBuffer.allocate(headBytes.length + body.length / 2);
        buf.put(headBytes).put(body, 0, body.length / 2).flip();
        if (ep instanceof SocketChannelEndPoint s) {
            writeFully(s.getChannel(), buf);
        }
        ep.shutdownOutput();
        ep.close();
    }

    private static void writeFully(SocketChannel channel, ByteBuffer buf) {
        // The channel is non-blocking; a small answer fits the socket buffer at once, so this loop is bounded.
        for (int spins = 0; buf.hasRemaining() && spins < 1000; spins++) {
            try {
                if (channel.write(buf) == 0) Thread.onSpinWait();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static EndPoint endPoint(Context ctx) {
        return ServletContextRequest.getServletContextRequest(ctx.req())
                .getConnectionMetaData()
                .getConnection()
                .getEndPoint();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            default -> "Status";
        };
    }
}
