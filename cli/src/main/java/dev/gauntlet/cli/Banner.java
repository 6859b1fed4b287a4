package dev.gauntlet.cli;

import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.farm.ServiceRuntime;

/** What a started server prints: where everything is. */
final class Banner {
    private Banner() {}

    static void farm(FarmServer server) {
        System.out.println("API Farm      " + server.url() + "   (status: " + server.url() + "/admin/status, OpenAPI: " + server.url() + "/openapi.json)");
        for (ServiceRuntime s : server.farm().services()) {
            int own = server.servicePort(s.id());
            System.out.printf("  %-16s %s%s%s%n", s.id(), server.url(), s.spec().basePath(), own < 0 ? "" : "   and http://" + hostOf(server) + ":" + own + "/");
        }
        server.farm().loadErrors().forEach(e -> System.out.println("  not loaded: " + e));
        System.out.println("Seed " + server.farm().seed() + ". Chaos: POST " + server.url() + "/admin/chaos {\"level\":\"storm\"}. Stop with Ctrl-C.");
    }

    private static String hostOf(FarmServer server) {
        String url = server.url();
        return url.substring("http://".length(), url.lastIndexOf(':'));
    }
}
