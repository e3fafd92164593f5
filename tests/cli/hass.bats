#!/usr/bin/env bats
# The shipped Home Assistant dashboard and Energy mapping (scripts/hass/) name
# only entities that Home Assistant creates from our discovery messages: the
# entity ids are derived (tests/helpers/hass_entities.py) from what the real
# pipeline publishes to a real mosquitto.

load ../helpers/common
load ../helpers/mqtt

HASS_DIR="$MTEC_SOURCE_DIR/scripts/hass"
ENTITIES="$MTEC_SOURCE_DIR/tests/helpers/hass_entities.py"

setup() {
  common_setup
  start_broker
  start_sim
  start_sub discovery.txt 'homeassistant/#'
  mtec-read -H 127.0.0.1 -p "$SIM_PORT" --all | mtec-calc | mtec-publish -b 127.0.0.1 -P "$BROKER_PORT" --hass
  wait_until 10 lines_at_least discovery.txt 98 '/config	'
}
teardown() { common_teardown; }

@test "our discovery gives Home Assistant 98 entities of the device MTEC EnergyButler" {
  run python3 "$ENTITIES" ids discovery.txt
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 98 ]
  # one device for all of them, the name the ids start with
  [ "$(grep -c $'/config\t.*"name": "MTEC EnergyButler"' discovery.txt)" -eq 98 ]
  [ "$(grep -vc '^[a-z_]*\.mtec_energybutler_[a-z0-9_]*$' <<<"$output")" -eq 0 ]
  # as many as the contract's discovery messages, with no id given twice
  [ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["discovery"]))' "$GOLDEN/case_A.json")" -eq 98 ]
  [ -z "$(sort <<<"$output" | uniq -d)" ]
  [[ "$output" == *$'\nsensor.mtec_energybutler_grid_power\n'* ]]
  [[ "$output" == *$'\nselect.mtec_energybutler_inverter_operation_mode\n'* ]]
}

@test "every entity id of the dashboard and the Energy mapping is one of ours" {
  run python3 "$ENTITIES" check discovery.txt "$HASS_DIR/mtec-dashboard.yaml" "$HASS_DIR/mtec-energy.yaml"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"mtec-dashboard.yaml: "[1-9]*" entity ids, 0 unknown"* ]]
  [[ "$output" == *"mtec-energy.yaml: 6 entity ids, 0 unknown"* ]]
}

@test "the dashboard has a control for every writable register" {
  local controls eid
  # the entities with a command topic: the select, switches and numbers
  controls=$(python3 "$ENTITIES" ids discovery.txt | grep -E '^(select|switch|number)\.')
  [ "$(wc -l <<<"$controls")" -eq "$(grep -c '"command_topic"' discovery.txt)" ]
  [ "$(wc -l <<<"$controls")" -eq 9 ]
  for eid in $controls; do
    grep -qE -- "- ${eid//./\\.}\$" "$HASS_DIR/mtec-dashboard.yaml" || { echo "no control for $eid"; return 1; }
  done
}

@test "the Energy mapping: grid in/out, solar, battery in/out are kWh total_increasing sensors of the right registers" {
  run python3 "$ENTITIES" energy discovery.txt "$HASS_DIR/mtec-energy.yaml"
  echo "$output"
  [ "$status" -eq 0 ]
  # each role is the sensor HA makes of that register's discovery message
  local role reg eid
  while read -r role reg; do
    eid=$(sed -n "s/^ *$role: \(sensor\.[a-z0-9_]*\)\$/\1/p" "$HASS_DIR/mtec-energy.yaml")
    [ -n "$eid" ] || { echo "no $role"; return 1; }
    [[ "$eid" == "$(grep -F "homeassistant/sensor/MTEC_$reg/config" discovery.txt >one.txt && python3 "$ENTITIES" ids one.txt)" ]] ||
      { echo "$role is $eid, not the sensor of $reg"; return 1; }
  done <<'MAP'
grid_consumption grid_purchase_total
return_to_grid grid_feed_total
solar_production pv_total
energy_going_in battery_charge_total
energy_coming_out battery_discharge_total
MAP
}

@test "the check fails on an entity id Home Assistant would not create, and names it" {
  sed 's/- sensor\.mtec_energybutler_pv1_power$/- sensor.mtec_energybutler_pv3_power/' "$HASS_DIR/mtec-dashboard.yaml" >planted.yaml
  run ! cmp -s planted.yaml "$HASS_DIR/mtec-dashboard.yaml"
  run --separate-stderr python3 "$ENTITIES" check discovery.txt planted.yaml
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"planted.yaml: unknown entity id sensor.mtec_energybutler_pv3_power"* ]]
  [ "$(grep -c unknown <<<"$stderr")" -eq 1 ]
  # and in the Energy mapping, a typo of a domain
  sed 's/solar_production: sensor\./solar_production: number./' "$HASS_DIR/mtec-energy.yaml" >planted-energy.yaml
  run --separate-stderr python3 "$ENTITIES" check discovery.txt planted-energy.yaml
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"unknown entity id number.mtec_energybutler_pv_energy_generated_total"* ]]
}
