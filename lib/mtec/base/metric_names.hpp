// Every metric name the tools write and mtec-health reads, once: the
// Prometheus text files are an interface (alert rules and dashboards name
// these), so a name is spelled here and nowhere else. Names carry the mtec_
// prefix and their unit suffix; each tool's man page (METRICS) and
// mtec-health(1) describe them.
#pragma once

namespace mtec {
inline namespace base {
namespace metric {

// every tool (Metrics itself)
inline constexpr char kMetricsUpdated[] = "mtec_metrics_updated_timestamp_seconds";
inline constexpr char kProcessStart[] = "mtec_process_start_time_seconds";
inline constexpr char kPipelineStage[] = "mtec_pipeline_stage";
// the stages reading NDJSON
inline constexpr char kBadLines[] = "mtec_bad_lines_total";
inline constexpr char kFramesIn[] = "mtec_frames_in_total";
inline constexpr char kFramesOut[] = "mtec_frames_out_total";
// mtec-read
inline constexpr char kModbusConnected[] = "mtec_modbus_connected";
inline constexpr char kModbusConnectAttempts[] = "mtec_modbus_connect_attempts_total";
inline constexpr char kModbusBreakerOpen[] = "mtec_modbus_breaker_open";
inline constexpr char kModbusRequests[] = "mtec_modbus_requests_total";
inline constexpr char kModbusRequestDuration[] = "mtec_modbus_request_duration_seconds";
inline constexpr char kGroupLastSuccess[] = "mtec_group_last_success_timestamp_seconds";
inline constexpr char kNowbaseAge[] = "mtec_nowbase_age_seconds";
inline constexpr char kBatterySoc[] = "mtec_battery_soc_percent";
// mtec-read's and mtec-write's writes
inline constexpr char kWrites[] = "mtec_writes_total";
inline constexpr char kWritesSkipped[] = "mtec_writes_skipped_total";
// mtec-publish
inline constexpr char kMqttConnected[] = "mtec_mqtt_connected";
inline constexpr char kMqttPublishes[] = "mtec_mqtt_publishes_total";
inline constexpr char kMqttHeld[] = "mtec_mqtt_held_messages";
inline constexpr char kMqttDropped[] = "mtec_mqtt_dropped_total";
inline constexpr char kAvailabilityOnline[] = "mtec_availability_online";
inline constexpr char kCommands[] = "mtec_commands_total";
inline constexpr char kFramesRefused[] = "mtec_frames_refused_total";
inline constexpr char kFramesStale[] = "mtec_frames_stale_total";
inline constexpr char kSerialRefused[] = "mtec_serial_refused_total";

}  // namespace metric
}  // namespace base
}  // namespace mtec
