package dev.sluice.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sluice.core.BadInputException;
import dev.sluice.core.schema.Schemas;
import dev.sluice.ffi.CpuAffinity;
import dev.sluice.ffi.CpuSet;
import dev.sluice.ffi.SystemInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stage threads pinned through the native module run where they were told to (real sched_setaffinity). */
class PinningTest {
    @Test
    void stageThreadsRunOnThePinnedCpu() {
        int lastCpu = SystemInfo.configuredCpus() - 1;
        Flow<String, List<Integer>> whereAmI = Flow.named("pinning", "1")
                .input(Schemas.string())
                .map(
                        "where",
                        "1",
                        Schemas.listOf(Schemas.int32()),
                        s -> java.util.Arrays.stream(CpuAffinity.currentThread().toArray())
                                .boxed()
                                .toList())
                .build();
        try (Pipeline<String, List<Integer>> p = whereAmI.start(
                FlowRuntime.pipelined().withStageThreadSetup(CpuAffinity.roundRobin(CpuSet.of(lastCpu))))) {
            assertEquals(List.of(lastCpu), p.submit("x").join().value());
        }
    }

    @Test
    void refusesAnEmptySetOrACpuTheMachineLacks() {
        assertThrows(BadInputException.class, () -> CpuAffinity.roundRobin(CpuSet.of()));
        BadInputException e = assertThrows(
                BadInputException.class, () -> CpuAffinity.roundRobin(CpuSet.of(SystemInfo.configuredCpus() + 7)));
        assertEquals(true, e.getMessage().contains("does not exist"), e.getMessage());
    }
}
