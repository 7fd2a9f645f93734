package io.userstream.localstack.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.userstream.localstack.Topology;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunOptionsTest {

    @Test
    void defaultsAreAThousandFakerUsersWithAFreshSeedPerRun() {
        RunOptions options = RunOptions.parse(List.of(), true);

        assertThat(options).isEqualTo(new RunOptions(1000, "faker", Optional.empty(), true, Optional.empty()));
        assertThat(options.request().seed()).startsWith("pipeline-").isNotEqualTo(options.request().seed());
    }

    @Test
    void optionsTakeTheirValueAsTheNextWordOrAfterAnEqualsSign() {
        assertThat(RunOptions.parse(List.of("--count", "50", "--source=randomuser", "--no-run"), true))
                .isEqualTo(new RunOptions(50, "randomuser", Optional.empty(), false, Optional.empty()));
        assertThat(RunOptions.parse(List.of("--seed", "demo-1", "--count=1,000"), false).request())
                .satisfies(request -> {
                    assertThat(request.seed()).isEqualTo("demo-1");
                    assertThat(request.count()).isEqualTo(1000);
                });
    }

    @Test
    void badValuesAreNamedBeforeAnythingStarts() {
        assertThatThrownBy(() -> RunOptions.parse(List.of("--count", "many"), true)).hasMessageContaining("--count").hasMessageContaining("many");
        assertThatThrownBy(() -> RunOptions.parse(List.of("--count", "0"), true)).hasMessageContaining("count must be 1 to 1,000,000");
        assertThatThrownBy(() -> RunOptions.parse(List.of("--source", "csv"), true)).hasMessageContaining("faker or randomuser");
        assertThatThrownBy(() -> RunOptions.parse(List.of("--seed", "a b"), true)).hasMessageContaining("seed");
        assertThatThrownBy(() -> RunOptions.parse(List.of("--count"), true)).hasMessageContaining("--count needs a value");
        assertThatThrownBy(() -> RunOptions.parse(List.of("--verbose"), true)).hasMessageContaining("unknown option --verbose");
    }

    @Test
    void noRunIsAnOptionOfUpOnly() {
        assertThatThrownBy(() -> RunOptions.parse(List.of("--no-run"), false)).hasMessageContaining("unknown option --no-run");
    }

    @Test
    void nodesChooseTheTopologyOfUp() {
        assertThat(RunOptions.parse(List.of("--nodes", "3", "--no-run"), true).nodes()).contains(new Topology(3));
        assertThat(RunOptions.parse(List.of("--nodes=1"), true).nodes()).contains(Topology.single());
        assertThatThrownBy(() -> RunOptions.parse(List.of("--nodes", "3"), false)).hasMessageContaining("set by ./pipeline up");
        assertThatThrownBy(() -> RunOptions.parse(List.of("--nodes", "0"), true)).hasMessageContaining("--nodes must be between 1 and 9");
        assertThatThrownBy(() -> RunOptions.parse(List.of("--nodes", "three"), true)).hasMessageContaining("--nodes must be a number of nodes");
    }
}
