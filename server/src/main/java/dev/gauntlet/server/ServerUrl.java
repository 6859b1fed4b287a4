package dev.gauntlet.server;

/** The URL a server bound to a host and port answers on (an IPv6 host in brackets). */
final class ServerUrl {

    private ServerUrl() {}

    static String of(String host, int port) {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
