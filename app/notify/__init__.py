"""Notifications outside the portal (e-mail, SMS) through an outbox, and the jobs runner.

Other domains call app.notify.service.enqueue / enqueue_staff / cancel; see README
("Notifications and jobs").
"""
