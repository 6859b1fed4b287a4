package dev.gauntlet.farm.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SeqRanksTest {

    @Test
    void shouldFindTheLiveSequenceAtEachOffsetThroughGrowthAndDeletes() {
        SeqRanks ranks = new SeqRanks();
        TreeSet<Long> live = new TreeSet<>();
        SplittableRandom random = new SplittableRandom(7);
        // Past several doublings of the tree (it starts at 1,024), with a random third deleted along the way.
        for (long seq = 1; seq <= 10_000; seq++) {
            ranks.add(seq, 1);
            live.add(seq);
            if (random.nextInt(3) == 0) {
                long gone = 1 + random.nextLong(seq);
                if (live.remove(gone)) ranks.add(gone, -1);
            }
        }
        Long[] expected = live.toArray(Long[]::new);
        for (int offset = 0; offset < expected.length; offset += 37)
            assertThat(ranks.seqAt(offset)).isEqualTo(expected[offset]);
        assertThat(ranks.seqAt(expected.length - 1)).isEqualTo(expected[expected.length - 1]);
        assertThat(ranks.seqAt(expected.length)).isEqualTo(-1);
        ranks.clear();
        assertThat(ranks.seqAt(0)).isEqualTo(-1);
    }
}
