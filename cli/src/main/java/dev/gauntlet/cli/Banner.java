package dev.gauntlet.cli;

import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.farm.runtime.ServiceRuntime;
import dev.gauntlet.server.AamServer;
import dev.gauntlet.server.UiServer;

/** What a started server prints: where everything is. */
final class Banner {
    private Banner() {}

    static void farm(FarmServer server) {
        System.out.println("API Farm      " + server.url() + "   (status: " + server.url() + "/admin/status, OpenAPI: "
                + server.url() + "/openapi.json)");
        for (ServiceRuntime s : server.farm().services()) {
            int own = server.servicePort(s.id());
            System.out.printf(
                    "  %-16s %s%s%s%n",
                    s.id(),
                    server.url(),
                    s.spec().basePath(),
                    own < 0 ? "" : "   and http://" + hostOf(server) + ":" + own + "/");
        }
        server.farm().loadErrors().forEach(e -> System.out.println("  not loaded: " + e));
        System.out.println("Seed " + server.farm().seed() + ". Chaos: POST " + server.url()
                + "/admin/chaos {\"level\":\"storm\"}. Stop with Ctrl-C.");
    }

    static void aam(AamServer server) {
        String u = server.url();
        System.out.println("AAM           " + u + "   (health: " + u + "/health, OpenAPI: " + u
                + "/openapi.json, events: " + u + "/events)");
        System.out.println("  connectors   "
                + server.mesh().connectors().stream().map(c -> c.id()).toList() + " -> farm "
                + server.config().farmUrl());
        System.out.println("  proxy        " + u
                + "/proxy/{connector}/…   (the mesh injects credentials; pass X-Gauntlet-Op-Id on writes)");
        server.proxyPorts()
                .keySet()
                .forEach(id -> System.out.printf(
                        "    %-14s %s/   (its proxy at the root of a port of its own)%n", id, server.proxyPortUrl(id)));
        System.out.println("  Prometheus   " + u + "/prometheus");
    }

    static void ui(UiServer server) {
        System.out.println("Control room  " + server.openUrl()
                + "   (the UI; it reaches the AAM under /api and the farm under /farm)"
                + (UiServer.bundled() ? "" : "   NOT BUILT: this jar has no UI bundle (built with -Dskip.ui?)"));
    }

    private static String hostOf(FarmServer server) {
        String url = server.url();
        return url.substring("http://".length(), url.lastIndexOf(':'));
    }
}
