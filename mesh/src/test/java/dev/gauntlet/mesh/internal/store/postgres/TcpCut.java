package dev.gauntlet.mesh.internal.store.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder in front of the PostgreSQL server that a test can cut (every connection dropped, the port closed:
 * the server is gone as far as the store can tell) and resume on the same port - the shared server itself is never
 * stopped, other tests use it.
 */
final class TcpCut implements AutoCloseable {
    private final InetSocketAddress target;
    private final int port;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocket listener;
    private volatile boolean cut;

    TcpCut(String host, int targetPort) throws IOException {
        this.target = new InetSocketAddress(host, targetPort);
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.port = s.getLocalPort();
        listen(s);
    }

    int port() {
        return port;
    }

    /**
     * Drops every connection, and every new one at once until {@link #resume}. The port stays bound: closing and binding
     * it again raced the machine's other sockets (a full run once found it taken by an ephemeral port meanwhile).
     */
    synchronized void cut() throws IOException {
        cut = true;
        for (Socket s : open) s.close();
        open.clear();
    }

    /** Forwards new connections again. */
    synchronized void resume() {
        cut = false;
    }

    private void listen(ServerSocket s) {
        listener = s;
        Thread.ofVirtual().start(() -> {
            while (!s.isClosed()) {
                try {
                    Socket client = s.accept();
                    if (cut) {
                        client.close(); // the server is gone as far as a client can tell
                        continue;
                    }
                    Socket server = new Socket(target.getAddress(), target.getPort());
                    open.add(client);
                    open.add(server);
                    pipe(client, server);
                    pipe(server, client);
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    private static void pipe(Socket from, Socket to) {
        Thread.ofVirtual().start(() -> {
            try (InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException dropped) {
                // cut, or the other side closed
            } finally {
                try {
                    to.close();
                    from.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        });
    }

    @Override
    public void close() throws IOException {
        cut();
        listener.close();
    }
}
