package dev.gauntlet.mesh.store;

/** The store could not be opened, migrated, read or written; the message names the file or the operation. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
