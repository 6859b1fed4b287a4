package dev.gauntlet.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.Stores;
import dev.gauntlet.mesh.store.NodeInfo;
import dev.gauntlet.mesh.store.NodeRepository;
import dev.gauntlet.mesh.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Membership on an injected clock: a silent node is shown as gone after 10 s and dropped after 60 s. */
class MembershipTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    final AtomicReference<Instant> now = new AtomicReference<>(T0);
    final InstantSource clock = now::get;

    Membership member(NodeRepository repo, String url) {
        return new Membership(repo, clock, Membership.self(url, now.get(), "postgresql", "redis"));
    }

    static List<String> ids(List<Membership.NodeView> view) {
        return view.stream()
                .map(n -> n.id() + (n.gone() ? " gone" : "") + (n.self() ? " self" : ""))
                .toList();
    }

    void advance(Duration d) {
        now.set(now.get().plus(d));
    }

    @Test
    void shouldShowASilentNodeAsGoneThenDropIt() {
        try (Store store = Stores.memory()) {
            Membership a = member(store.nodes(), "http://10.0.0.1:8002");
            Membership b = member(store.nodes(), "http://10.0.0.2:8002");
            a.beat();
            b.beat();
            a.beat();
            assertThat(ids(a.view())).containsExactly("10.0.0.1:8002 self", "10.0.0.2:8002");

            // b stops beating (killed): a keeps beating every 2 s.
            for (int i = 0; i < 5; i++) {
                advance(Membership.EVERY);
                a.beat();
            }
            assertThat(ids(a.view()))
                    .as("silent for exactly 10 s: not yet")
                    .containsExactly("10.0.0.1:8002 self", "10.0.0.2:8002");
            advance(Duration.ofSeconds(1));
            a.beat();
            assertThat(ids(a.view())).containsExactly("10.0.0.1:8002 self", "10.0.0.2:8002 gone");

            advance(Duration.ofSeconds(50));
            a.beat();
            assertThat(ids(a.view())).as("silent for 61 s: dropped").containsExactly("10.0.0.1:8002 self");
            assertThat(store.nodes().nodes()).extracting(NodeInfo::id).containsExactly("10.0.0.1:8002");
        }
    }

    @Test
    void shouldKeepTheLastListAndThisNodeWhenTheStoreFails() {
        try (Store store = Stores.memory()) {
            var failing = new AtomicReference<Boolean>(false);
            NodeRepository flaky = new NodeRepository() {
                @Override
                public void beat(NodeInfo node) {
                    if (failing.get()) throw new IllegalStateException("store down");
                    store.nodes().beat(node);
                }

                @Override
                public List<NodeInfo> nodes() {
                    return store.nodes().nodes();
                }

                @Override
                public int dropSilent(Instant before) {
                    return store.nodes().dropSilent(before);
                }

                @Override
                public boolean leave(String id) {
                    return store.nodes().leave(id);
                }
            };
            Membership a = member(flaky, "http://10.0.0.1:8002");
            member(store.nodes(), "http://10.0.0.2:8002").beat();
            a.beat();
            failing.set(true);
            advance(Duration.ofSeconds(4));
            a.beat();
            List<Membership.NodeView> view = a.view();
            assertThat(ids(view)).containsExactly("10.0.0.1:8002 self", "10.0.0.2:8002");
            assertThat(view.get(0).lastSeen())
                    .as("this node is alive: its own time moves")
                    .isEqualTo(T0.plusSeconds(4).toString());
        }
    }

    @Test
    void shouldListThisNodeEvenWhenAnotherDroppedItsRow() {
        try (Store store = Stores.memory()) {
            Membership a = member(store.nodes(), "http://10.0.0.1:8002");
            a.beat();
            store.nodes().leave("10.0.0.1:8002");
            assertThat(ids(a.view())).containsExactly("10.0.0.1:8002 self");
        }
    }

    @Test
    void shouldAdvertiseAHostNameForAWildcardBind() {
        assertThat(Membership.advertised("127.0.0.1", 8002)).isEqualTo("http://127.0.0.1:8002");
        assertThat(Membership.advertised("0.0.0.0", 8002))
                .doesNotContain("0.0.0.0")
                .endsWith(":8002");
    }
}
