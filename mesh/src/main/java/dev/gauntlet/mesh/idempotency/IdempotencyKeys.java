package dev.gauntlet.mesh.idempotency;

import dev.gauntlet.mesh.call.MeshRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Derives a write's idempotency key from its logical operation: SHA-256 over connector id, tenant, method, path and
 * the caller's opId. Without an opId the body is hashed too, so the same write sent again (a caller's own retry)
 * gets the same key and the upstream commits it once; the price is that two deliberately identical writes without
 * opIds collapse into one — a caller that means two must name them with two opIds.
 */
public final class IdempotencyKeys {
    private static final HexFormat HEX = HexFormat.of();
    /** Cloned per key: {@code MessageDigest.getInstance} looks the provider up on every call (measured on the write path). */
    private static final MessageDigest SHA256 = sha256();

    private IdempotencyKeys() {}

    /** "mesh_" and 32 hex digits (128 bits of the digest: collisions are out of reach, and vendors cap key length at 255). */
    public static String derive(String connector, MeshRequest request) {
        byte[][] fields = {
            utf8(connector),
            utf8(request.tenant()),
            utf8(request.method()),
            utf8(request.path()),
            request.opId() == null ? null : utf8(request.opId())
        };
        int size = 1;
        for (byte[] f : fields) if (f != null) size += 4 + f.length;
        // One buffer and one update: a digest update per length byte (4 per field) was a good part of the key's cost.
        byte[] buf = new byte[size];
        int at = 0;
        for (int i = 0; i < 4; i++) at = field(buf, at, fields[i]);
        MessageDigest sha = fresh();
        if (fields[4] != null) {
            buf[at++] = 'o';
            at = field(buf, at, fields[4]);
            sha.update(buf, 0, at);
        } else {
            buf[at++] = 'b';
            sha.update(buf, 0, at);
            sha.update(request.body());
        }
        byte[] d = sha.digest();
        return "mesh_" + HEX.formatHex(d, 0, 16);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Each field is length-prefixed (4 bytes, big-endian), so ("ab","c") and ("a","bc") never hash alike. */
    private static int field(byte[] buf, int at, byte[] b) {
        buf[at] = (byte) (b.length >>> 24);
        buf[at + 1] = (byte) (b.length >>> 16);
        buf[at + 2] = (byte) (b.length >>> 8);
        buf[at + 3] = (byte) b.length;
        System.arraycopy(b, 0, buf, at + 4, b.length);
        return at + 4 + b.length;
    }

    private static MessageDigest fresh() {
        try {
            return (MessageDigest) SHA256.clone();
        } catch (CloneNotSupportedException e) {
            return sha256();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The key a write was first sent under: {@code key} without the {@code ~rN} that {@link #next} added. */
    public static String original(String key) {
        int at = key.lastIndexOf("~r");
        if (at <= 0 || at + 2 == key.length()) return key;
        for (int i = at + 2; i < key.length(); i++) if (!Character.isDigit(key.charAt(i))) return key;
        return key.substring(0, at);
    }

    /**
     * The key to send a write under once its key is spent (the upstream saved a failed answer for it, which it would
     * replay for ever): "k" → "k~r1" → "k~r2". Only after a read-back found the write not committed.
     */
    public static String next(String key) {
        int at = key.lastIndexOf("~r");
        if (at > 0) {
            try {
                return key.substring(0, at) + "~r" + (Integer.parseInt(key.substring(at + 2)) + 1);
            } catch (NumberFormatException notOurs) {
                // a caller's key that happens to contain ~r: start counting after it
            }
        }
        return key + "~r1";
    }
}
