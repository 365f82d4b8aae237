"""Shared facts for every calendar file the portal makes.

A calendar is often synced and shown on a lock screen or a shared phone, so nothing in a .ics file may
reveal what the meeting is about: no centre name, no "rådgivning", not even in the UID or PRODID."""

UID_DOMAIN = "selvbetjening.invalid"
PRODID = "-//Selvbetjening//Kalender//DA"
