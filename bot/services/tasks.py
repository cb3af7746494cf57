"""Every kind of scheduled task and what runs it: the one place a new kind is added.

A service records a task (`uow.tasks.schedule(kind, key, due_at, data)`) in the transaction
of the change that makes it necessary; the scheduler (bot/scheduler.py) runs it when due,
with the handler named here for its kind.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.scheduler import TaskHandler
from bot.services import buyouts, chat, purchases, reminders, rounds, transport

TASKS: Mapping[str, TaskHandler] = {
    purchases.STOP_TASK: purchases.stop_at_date,
    reminders.PAY_REMINDER: reminders.send_payment_reminders,
    rounds.ROUND_OPEN: rounds.open_round,
    rounds.ROUND_CLOSE: rounds.close_round,
    buyouts.NONPAYERS_TASK: buyouts.mark_nonpayers,
    chat.ANSWER_TASK: chat.run_answer_deadline,
    transport.TRANSPORT_REMINDER: transport.send_transport_reminders,
}
