## Деньги заказа: одна формулировка для всех экранов (domain/balance.py, bot/services/money.py).

money-state = { $state ->
    [nothing_due] ничего не нужно платить
    [unpaid] не оплачено, к оплате { $owed }
    [awaiting] ожидает подтверждения: { $awaiting }{ $to_report_any ->
        [yes] , ещё не оплачено { $to_report }
       *[no] {""}
    }
    [partially_paid] оплачено частично, осталось { $owed }
    [paid] оплачено полностью
    [refund_due] к возврату { $refund }
   *[refunded] возвращено { $refunded }
}{ $extra_awaiting ->
    [yes] ; ожидает подтверждения: { $awaiting }
   *[no] {""}
}
money-paid-line = Оплачено: { $confirmed } — { $state }
money-state-label = { $label ->
    [cancelled] отменён
    [unpaid] не оплачен
    [partially_paid] частично
    [paid] оплачен
    [overpaid] переплата
    [refunded] возвращено
   *[other] ничего не нужно платить
}
money-reminder-order = • Заказ { $number }: к оплате { $to_report }{ $awaiting_any ->
    [yes] { " " }(ещё { $awaiting } ожидает подтверждения)
   *[no] {""}
}

## Возвраты
money-refund-due =
    💸 Организатор «{ $organizer }» должен вернуть вам { $amount } по заказу { $number } («{ $title }»): { $reason ->
        [cancelled] покупка отменена
        [order_cancelled] заказ отменён
       *[overpaid] подтверждено больше, чем нужно оплатить
    }. Когда организатор отметит возврат, мы сообщим.
money-refund-recorded = ✅ Организатор «{ $organizer }» отметил, что вернул вам { $amount } по заказу { $number } («{ $title }»).{ $left_any ->
    [yes] { " " }Ещё к возврату: { $left }.
   *[no] {""}
}
money-refund-owed-org = 💸 { $buyer } отменил(а) заказ { $number } в «{ $title }», за который вы получили { $amount }: эти деньги нужно вернуть. Отметить возврат — /reconcile { $purchase }.
money-rec-refunds = Возвраты: нажмите кнопку, когда вернёте деньги, — покупатель получит уведомление.
money-rec-refunded = { " " }(уже возвращено { $refunded })
money-button-refund = 💸 { $number }: вернуть { $amount }
money-refund-confirm = Отметить, что вы вернули { $amount } покупателю { $buyer } по заказу { $number }?
money-button-refund-yes = Да, вернул(а)
money-button-refund-no = Нет
money-refund-done = Возврат { $amount } по заказу { $number } отмечен, покупатель получит уведомление.
money-refund-nothing = По заказу { $number } сейчас нечего возвращать: возможно, возврат уже отмечен. Сверка — /reconcile.
money-refund-changed = Сумма к возврату по заказу { $number } изменилась: теперь { $amount }. Нажмите кнопку ещё раз в свежей сверке: /reconcile { $purchase }.
money-refund-not-found = Такого заказа нет в ваших покупках.

## Закрытие покупки с незакрытыми деньгами
money-close-open = ⚠️ В «{ $title }» остались незакрытые деньги — { $count } { $count ->
    [one] заказ
    [few] заказа
   *[many] заказов
}:
money-close-owes = • { $buyer }, заказ { $number }: не оплачено { $amount }
money-close-refund = • { $buyer }, заказ { $number }: нужно вернуть { $amount }
money-close-more = …и ещё { $count } { $count ->
    [one] заказ
    [few] заказа
   *[many] заказов
} — весь список в /reconcile { $purchase }.
money-close-totals = Всего не оплачено: { $owed }; к возврату: { $refund }. Закрыть покупку всё равно?
