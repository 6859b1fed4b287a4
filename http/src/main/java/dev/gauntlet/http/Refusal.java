package dev.gauntlet.http;

/**
 * Why a server's edge refused a request: the HTTP status to answer, the header at fault and a sentence for the client.
 * Each server writes it in its own envelope ({"error","field","message"}).
 */
public record Refusal(int status, String field, String message) {

    /** 403: the request may come from a web page, or names another host. */
    static Refusal forbidden(String field, String message) {
        return new Refusal(403, field, message);
    }

    /** The error code a server's envelope carries for this refusal. */
    public String error() {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 406 -> "not_acceptable";
            default -> "forbidden";
        };
    }
}
