package dev.gauntlet.cli;

import java.util.concurrent.CountDownLatch;

/** Keeps a server process alive until Ctrl-C (or SIGTERM), then closes what it started, in reverse order. */
final class Running {
    private Running() {}

    static int untilInterrupted(AutoCloseable... parts) {
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            for (int i = parts.length - 1; i >= 0; i--) {
                                try {
                                    parts[i].close();
                                } catch (Exception e) {
                                    System.err.println("error while stopping: " + e);
                                }
                            }
                            done.countDown();
                        },
                        "gauntlet-shutdown"));
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
