"""tensorflow.python.client.timeline: a run's step_stats as a Chrome trace (chrome://tracing, Perfetto).

    md = tf.RunMetadata()
    sess.run(train_op, options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE), run_metadata=md)
    with open("timeline.json", "w") as f:
        f.write(timeline.Timeline(md.step_stats).generate_chrome_trace_format())

The trace has TF's structure: process metadata events per device ("... Compute", "... Tensors") and for
allocators, one 'X' event per node_stats entry (name = op type, args name/op/input0...), flow events ('s'/'t')
along data edges between lanes, and with show_memory tensor objects and allocator counters. Works on TF's
protobuf StepStats and on tfsess's plain-Python one.
"""
from __future__ import annotations

import collections
import copy
import json
import re
from typing import Any, Dict, List, Tuple

__all__ = ["Timeline", "AllocationMaximum", "StepStatsAnalysis"]


class AllocationMaximum(collections.namedtuple("AllocationMaximum", ("timestamp", "num_bytes", "tensors"))):
    """The peak of one allocator: when (micros), how many bytes, which tensors were live."""


class StepStatsAnalysis(collections.namedtuple("StepStatsAnalysis", ("chrome_trace", "allocator_maximums"))):
    """The result of Timeline.analyze_step_stats: the trace formatter and {allocator: AllocationMaximum}."""


class _ChromeTraceFormatter:
    """Collects Chrome Trace Format events (catapult's trace-event format) and writes them as JSON."""

    def __init__(self, show_memory: bool = False) -> None:
        self._show_memory = show_memory
        self._events: List[dict] = []
        self._metadata: List[dict] = []

    @staticmethod
    def _create_event(ph, category, name, pid, tid, timestamp) -> dict:
        return {"ph": ph, "cat": category, "name": name, "pid": pid, "tid": tid, "ts": timestamp}

    def emit_pid(self, name: str, pid: int) -> None:
        self._metadata.append({"name": "process_name", "ph": "M", "pid": pid, "args": {"name": name}})

    def emit_tid(self, name: str, pid: int, tid: int) -> None:
        self._metadata.append({"name": "thread_name", "ph": "M", "pid": pid, "tid": tid, "args": {"name": name}})

    def emit_region(self, timestamp, duration, pid, tid, category, name, args) -> None:
        event = self._create_event("X", category, name, pid, tid, timestamp)
        event["dur"] = duration
        event["args"] = args
        self._events.append(event)

    def emit_obj_create(self, category, name, timestamp, pid, tid, object_id) -> None:
        event = self._create_event("N", category, name, pid, tid, timestamp)
        event["id"] = object_id
        self._events.append(event)

    def emit_obj_delete(self, category, name, timestamp, pid, tid, object_id) -> None:
        event = self._create_event("D", category, name, pid, tid, timestamp)
        event["id"] = object_id
        self._events.append(event)

    def emit_obj_snapshot(self, category, name, timestamp, pid, tid, object_id, snapshot) -> None:
        event = self._create_event("O", category, name, pid, tid, timestamp)
        event["id"] = object_id
        event["args"] = {"snapshot": snapshot}
        self._events.append(event)

    def emit_flow_start(self, name, timestamp, pid, tid, flow_id) -> None:
        event = self._create_event("s", "DataFlow", name, pid, tid, timestamp)
        event["id"] = flow_id
        self._events.append(event)

    def emit_flow_end(self, name, timestamp, pid, tid, flow_id) -> None:
        event = self._create_event("t", "DataFlow", name, pid, tid, timestamp)
        event["id"] = flow_id
        self._events.append(event)

    def emit_counter(self, category, name, pid, timestamp, counter, value) -> None:
        event = self._create_event("C", category, name, pid, 0, timestamp)
        event["args"] = {counter: value}
        self._events.append(event)

    def emit_counters(self, category, name, pid, timestamp, counters) -> None:
        event = self._create_event("C", category, name, pid, 0, timestamp)
        event["args"] = dict(counters)
        self._events.append(event)

    def format_to_string(self, pretty: bool = False) -> str:
        trace = {"traceEvents": self._metadata + self._events}
        if pretty:
            return json.dumps(trace, indent=4, separators=(",", ": "))
        return json.dumps(trace, separators=(",", ":"))


class _TensorTracker:
    """One output tensor of the step: where and when it was made, its size, and its uses."""

    def __init__(self, name, object_id, timestamp, pid, allocator, num_bytes) -> None:
        self.name = name
        self.object_id = object_id
        self.create_time = timestamp
        self.pid = pid
        self.allocator = allocator
        self.num_bytes = num_bytes
        self._ref_times: List[int] = []
        self._unref_times: List[int] = []

    @property
    def last_unref(self) -> int:
        return max(self._unref_times)

    def add_ref(self, timestamp: int) -> None:
        self._ref_times.append(timestamp)

    def add_unref(self, timestamp: int) -> None:
        self._unref_times.append(timestamp)


_LABEL = re.compile(r"(.*) = (.*)\((.*)\)")


class Timeline:
    """Turns a StepStats (RunMetadata.step_stats of a traced run) into a Chrome trace. Not thread safe."""

    def __init__(self, step_stats, graph: Any = None) -> None:
        self._origin_step_stats = step_stats
        self._step_stats = None
        self._graph = graph
        self._chrome_trace = _ChromeTraceFormatter()
        self._next_pid = 0
        self._device_pids: Dict[str, int] = {}
        self._tensor_pids: Dict[str, int] = {}
        self._tensors: Dict[str, _TensorTracker] = {}
        self._next_flow_id = 0
        self._flow_starts: Dict[str, Tuple[int, int, int]] = {}
        self._allocator_maximums: Dict[str, AllocationMaximum] = {}
        self._allocators_pid = None

    def _alloc_pid(self) -> int:
        pid = self._next_pid
        self._next_pid += 1
        return pid

    def _alloc_flow_id(self) -> int:
        flow_id = self._next_flow_id
        self._next_flow_id += 1
        return flow_id

    @staticmethod
    def _parse_op_label(label: str) -> Tuple[str, str, List[str]]:
        """('name', 'Op', [inputs]) from a timeline label `name = Op(a, b)`."""
        match = _LABEL.match(label)
        if match is None:
            return "unknown", "unknown", []
        name, op, inputs = match.groups()
        return name, op, inputs.split(", ") if inputs else []

    def _assign_lanes(self) -> None:
        """Put each node on the first lane (tid) free at its start, so overlapping ops get their own rows."""
        for dev_stats in self._step_stats.dev_stats:
            lanes = [0]
            for ns in dev_stats.node_stats:
                lane = -1
                for i, busy_until in enumerate(lanes):
                    if ns.all_start_micros > busy_until:
                        lane = i
                        lanes[lane] = ns.all_start_micros + ns.all_end_rel_micros
                        break
                if lane < 0:
                    lane = len(lanes)
                    lanes.append(ns.all_start_micros + ns.all_end_rel_micros)
                ns.thread_id = lane

    def _emit_op(self, ns, pid: int) -> None:
        _, op, inputs = self._parse_op_label(ns.timeline_label)
        args = {"name": ns.node_name, "op": op}
        for i, iname in enumerate(inputs):
            args["input%d" % i] = iname
        self._chrome_trace.emit_region(ns.all_start_micros, ns.all_end_rel_micros, pid, ns.thread_id, "Op", op, args)

    def _allocate_pids(self) -> None:
        self._allocators_pid = self._alloc_pid()
        self._chrome_trace.emit_pid("Allocators", self._allocators_pid)
        for dev_stats in self._step_stats.dev_stats:
            device_pid = self._alloc_pid()
            self._device_pids[dev_stats.device] = device_pid
            tensors_pid = self._alloc_pid()
            self._tensor_pids[dev_stats.device] = tensors_pid
            self._chrome_trace.emit_pid(dev_stats.device + " Compute", device_pid)
            self._chrome_trace.emit_pid(dev_stats.device + " Tensors", tensors_pid)

    def _analyze_tensors(self, show_memory: bool) -> None:
        """Track each output tensor (name, producer lane, size) for dataflow arrows and memory."""
        for dev_stats in self._step_stats.dev_stats:
            device_pid = self._device_pids[dev_stats.device]
            tensors_pid = self._tensor_pids[dev_stats.device]
            for ns in dev_stats.node_stats:
                tid = ns.thread_id
                start, end = ns.all_start_micros, ns.all_start_micros + ns.all_end_rel_micros
                for index, output in enumerate(ns.output):
                    name = "%s:%d" % (ns.node_name, index) if index else ns.node_name
                    alloc = output.tensor_description.allocation_description
                    tensor = _TensorTracker(name, len(self._tensors), start, tensors_pid, alloc.allocator_name,
                                            alloc.requested_bytes)
                    self._tensors[name] = tensor
                    tensor.add_ref(start)
                    tensor.add_unref(end)
                    self._flow_starts[name] = (end, device_pid, tid)
                    if show_memory:
                        self._chrome_trace.emit_obj_create("Tensor", name, start, tensors_pid, tid, tensor.object_id)
                        desc = str(output.tensor_description).replace('"', "")
                        self._chrome_trace.emit_obj_snapshot("Tensor", name, end - 1, tensors_pid, tid,
                                                             tensor.object_id, {"tensor_description": desc})

    def _show_compute(self, show_dataflow: bool) -> None:
        """The 'X' event of each op, and a flow arrow from each input's producer when it ran on another lane."""
        for dev_stats in self._step_stats.dev_stats:
            device_pid = self._device_pids[dev_stats.device]
            for ns in dev_stats.node_stats:
                tid = ns.thread_id
                start, end = ns.all_start_micros, ns.all_start_micros + ns.all_end_rel_micros
                self._emit_op(ns, device_pid)
                for input_name in self._parse_op_label(ns.timeline_label)[2]:
                    tensor = self._tensors.get(input_name)
                    if tensor is None:   # fed, a variable, or a control input: not produced in this step
                        continue
                    tensor.add_ref(start)
                    tensor.add_unref(end - 1)
                    if show_dataflow:
                        create_time, create_pid, create_tid = self._flow_starts[input_name]
                        if create_pid != device_pid or create_tid != tid:
                            flow_id = self._alloc_flow_id()
                            self._chrome_trace.emit_flow_start(input_name, create_time, create_pid, create_tid,
                                                               flow_id)
                            self._chrome_trace.emit_flow_end(input_name, start, device_pid, tid, flow_id)

    def _show_memory_counters(self) -> None:
        """Object deletions and, per allocator, a counter of live bytes over time; remembers each peak."""
        allocations: Dict[str, list] = {}
        for name, tensor in self._tensors.items():
            self._chrome_trace.emit_obj_delete("Tensor", name, tensor.last_unref, tensor.pid, 0, tensor.object_id)
            per = allocations.setdefault(tensor.allocator, [])
            per.append((tensor.create_time, tensor.num_bytes, name))
            per.append((tensor.last_unref, -tensor.num_bytes, name))
        maxes = {}
        for allocator, events in allocations.items():
            events.sort(key=lambda e: e[0])
            total, live = 0, set()
            maxes[allocator] = AllocationMaximum(timestamp=0, num_bytes=0, tensors=set())
            for time, num_bytes, name in events:
                total += num_bytes
                if num_bytes < 0:
                    live.discard(name)
                else:
                    live.add(name)
                if total > maxes[allocator].num_bytes:
                    maxes[allocator] = AllocationMaximum(timestamp=time, num_bytes=total, tensors=set(live))
                self._chrome_trace.emit_counter("Memory", allocator, self._allocators_pid, time, allocator, total)
        self._allocator_maximums = maxes

    def analyze_step_stats(self, show_dataflow: bool = True, show_memory: bool = True,
                           op_time: str = "schedule") -> StepStatsAnalysis:
        """Build the trace; op_time is accepted for TF's signature (CPU only: every choice is 'schedule')."""
        if op_time not in ("schedule", "gpu", "all"):
            raise ValueError("op_time must be 'schedule', 'gpu' or 'all', got %r" % (op_time,))
        self._step_stats = copy.deepcopy(self._origin_step_stats)
        self._allocate_pids()
        self._assign_lanes()
        self._analyze_tensors(show_memory)
        self._show_compute(show_dataflow)
        if show_memory:
            self._show_memory_counters()
        return StepStatsAnalysis(chrome_trace=self._chrome_trace, allocator_maximums=self._allocator_maximums)

    def generate_chrome_trace_format(self, show_dataflow: bool = True, show_memory: bool = False,
                                     op_time: str = "schedule") -> str:
        """The step as Chrome Trace Format JSON (pretty-printed), for chrome://tracing or ui.perfetto.dev."""
        analysis = self.analyze_step_stats(show_dataflow=show_dataflow, show_memory=show_memory, op_time=op_time)
        return analysis.chrome_trace.format_to_string(pretty=True)
