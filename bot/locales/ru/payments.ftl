## Оплата заказов: /pay, решения организатора, /payments, /reconcile, напоминания.

cmd-pay = сообщить об оплате заказа
cmd-payments = оплаты, ждущие подтверждения
cmd-reconcile = сверка оплат по покупке

payments-buyer-unnamed = покупатель №{ $id }
payments-method = { $method ->
    [card] Карта
    [sbp] СБП
    [cash] Наличные
   *[other] Другое
}

## Выбор заказов
payments-nothing-to-pay =
    Сейчас нечего оплачивать: нет заказов, ждущих оплаты.
    Оплата открывается, когда организатор переводит покупку на этап оплаты. Ваши заказы — /orders.
payments-select-title = Заказы к оплате ({ $count }), стр. { $page } из { $pages }. Отметьте заказы одного организатора, которые покрывает платёж, и нажмите «Далее». Можно и ввести номер заказа.
payments-select-entry = • { $number } «{ $title }», орг. { $organizer }: к оплате { $balance }
payments-select-pending = (уже сообщено { $amount }, ждёт подтверждения)
payments-button-continue = Далее ▶ (отмечено: { $count })
payments-select-none = Отметьте хотя бы один заказ кнопкой или введите номер заказа.
payments-one-organizer = Один платёж — заказам одного организатора. Оплату другому организатору отправьте отдельным сообщением: /pay
payments-order-unavailable = Этот заказ сейчас нельзя оплатить: он не найден среди ваших неоплаченных заказов. Обновите список: /pay
payments-number-invalid = «{ $number }» не похоже на номер заказа (например, 7KXM-PT2N). Проверьте номер или выберите заказ кнопкой: /pay
payments-order-not-found = Заказ { $number } не найден среди ваших заказов. Проверьте номер: ваши заказы — /orders.
payments-order-cancelled = Заказ { $number } отменён — оплачивать его не нужно.
payments-purchase-not-payable = Покупка «{ $title }» сейчас не принимает оплату (этап: { $status ->
    [draft] черновик
    [open] сбор заказов
    [stopped] стоп, суммы уточняются
    [closed] закрыта
    [cancelled] отменена
   *[other] { $status }
}). Организатор сообщит, когда можно платить.
payments-order-paid = Заказ { $number } уже оплачен полностью.
payments-form-closed = Эта кнопка от прошлого шага или закрытой формы. Продолжите с последнего сообщения или начните заново: /pay

## Сумма
payments-summary-title = Оплата:
payments-summary-order = • Заказ { $number } «{ $title }»: сумма { $due }, подтверждено { $paid } — { $state }
payments-summary-pending =   уже сообщено и ждёт подтверждения: { $amount }
payments-summary-total = Итого к оплате: { $amount }
payments-details =
    Реквизиты организатора { $organizer }:
    { $details }
payments-details-missing = Организатор { $organizer } пока не указал реквизиты. Оплатите так, как договорились, и сообщите об оплате здесь.
payments-ask-amount = Сколько вы заплатили? Введите сумму, например 1 500 или 1500,50. Выйти — /cancel.
payments-button-full = Вся сумма: { $amount }
payments-amount-not-number = Не понял сумму. Введите число рублей, например { $example }.
payments-amount-negative = Сумма не может быть отрицательной. Введите, сколько вы заплатили.
payments-amount-zero = Сумма должна быть больше нуля.
payments-amount-too-large = Слишком большая сумма — наверное, опечатка. Проверьте и введите снова.
payments-amount-too-precise = Копеек не может быть больше двух знаков: например, { $example }.
payments-amount-absurd = { $amount } — намного больше, чем нужно оплатить ({ $balance }). Похоже на опечатку: проверьте сумму и введите снова.

## Время, способ, чек, комментарий
payments-ask-time = Сумма { $amount }. Когда вы оплатили? Нажмите «Сейчас» или введите дату и время по Москве: { DAY(-1, style: "short") } 14:30, { DAY(-1) } 14:30 или просто 14:30 (сегодня).
payments-button-now = Сейчас
payments-time-format = Не понял время. Напишите, например, { DAY(-1, style: "short") } 14:30 или 14:30 (время московское), или нажмите «Сейчас».
payments-time-need-time = Добавьте время, например { DAY(-1, style: "short") } 14:30 (по Москве).
payments-time-bad-date = Такой даты нет. Проверьте день и месяц, например { DAY(-1, style: "short") } 14:30.
payments-time-future = Это время ещё не наступило. Укажите, когда вы уже оплатили, или нажмите «Сейчас».
payments-time-too-old = Это больше года назад — проверьте дату.
payments-ask-method = Время оплаты: { $time } (МСК). Как вы оплатили?
payments-method-unknown = Выберите способ оплаты кнопкой: карта, СБП, наличные или другое.
payments-button-skip = Пропустить
payments-receipt-expected = Пришлите чек — фото, скриншот или PDF-файл — или нажмите «Пропустить».
payments-receipt-too-big = Фото больше { $limit } МБ — его не принимают мессенджеры. Пришлите скриншот или фото поменьше.
payments-receipt-saved = Чек получен.
payments-receipt-skipped = Без чека.
payments-ask-comment = Добавьте комментарий для организатора (до { $max } { $max ->
        [one] символа
       *[other] символов
    }) — или нажмите «Пропустить».
payments-comment-text-only = Комментарий — это текст. Напишите его или нажмите «Пропустить».
payments-comment-too-long = Комментарий длиннее { $max } { $max ->
        [one] символа
       *[other] символов
    }. Сократите его, пожалуйста.

## Проверка и отправка
payments-confirm-title = Проверьте сообщение об оплате:
payments-confirm-order = • Заказ { $number } «{ $title }»: { $part }
payments-confirm-receipt = Чек: { $attached ->
    [yes] приложен
   *[no] нет
}
payments-confirm-overpaid = Это на { $amount } больше суммы к оплате: организатор увидит переплату.
payments-confirm-use-buttons = Отправьте сообщение кнопкой «Отправить» или выйдите: /cancel.
payments-button-send = Отправить
payments-button-cancel = Отмена
payments-send-stale = Это сообщение об оплате уже отправлено или форма закрыта. Новое — /pay.
payments-sent =
    Готово! Сообщение об оплате №{ $id } на { $amount } отправлено организатору { $organizer }.
    Как только он подтвердит оплату, я напишу вам.

## Организатор: отчёты и решения
payments-report-new = 💳 Новое сообщение об оплате — подтвердите или отклоните.
payments-report-head = Оплата №{ $id } от { $buyer }
payments-report-order = • Заказ { $number } «{ $title }»: { $part } ({ $state })
payments-report-amount = Сумма: { $amount }
payments-report-time = Время оплаты: { $time } (МСК)
payments-report-method = Способ: { $method ->
    [card] карта
    [sbp] СБП
    [cash] наличные
   *[other] другое
}
payments-report-comment = Комментарий: { $comment }
payments-report-receipt = Чек: фото приложено.
payments-report-receipt-elsewhere = Чек: фото прислано из другого мессенджера и здесь не показывается.
payments-receipt-caption = Чек к оплате №{ $id }
payments-button-confirm = ✅ Подтвердить
payments-button-reject = ❌ Отклонить
payments-button-confirm-n = ✅ №{ $id }
payments-button-reject-n = ❌ №{ $id }
payments-report-not-found = Сообщение об оплате не найдено среди ваших. Список — /payments.
payments-already-confirmed = Эта оплата уже подтверждена — повторно она не засчитывается.
payments-already-rejected = Эта оплата уже отклонена.
payments-confirmed = Оплата №{ $id } на { $amount } подтверждена. Покупатель получит уведомление.
payments-ask-reason = Почему вы отклоняете оплату №{ $id }? Напишите причину для покупателя ({ $min }–{ $max } { $max ->
        [one] символа
       *[other] символов
    }). Выйти — /cancel.
payments-reason-length = Причина должна быть от { $min } до { $max } { $max ->
        [one] символа
       *[other] символов
    }. Напишите её ещё раз.
payments-rejected = Оплата №{ $id } отклонена, покупатель получит причину.
payments-order-state = • Заказ { $number } «{ $title }»: { $state }
payments-decision-confirmed =
    ✅ Организатор { $organizer } подтвердил вашу оплату { $amount } от { $time } (МСК).
    { $orders }
payments-decision-rejected =
    ❌ Организатор { $organizer } отклонил сообщение об оплате { $amount } от { $time } (МСК).
    Причина: { $reason }
    { $orders }
    Если это ошибка, сообщите об оплате заново: /pay
payments-none-pending = Нет оплат, ждущих подтверждения. Сверка по покупке — /reconcile.
payments-list-title = Ждут подтверждения: { $total } (стр. { $page } из { $pages }), сначала самые старые.

## Сверка
payments-rec-choose = Сверка оплат: выберите покупку.
payments-rec-no-purchases = У вас пока нет покупок для сверки.
payments-rec-purchase-invalid = Укажите номер покупки цифрами, например /reconcile 12, или выберите её: /reconcile
payments-rec-not-found = Покупка { $id } не найдена среди ваших. Выберите её из списка: /reconcile
payments-rec-title = Сверка оплат: «{ $title }» (покупка { $id })
payments-rec-empty = Заказов пока нет.
payments-rec-row = • { $number } { $buyer }{ $cancelled ->
    [yes] { " " }(заказ отменён)
   *[no] {""}
}: к оплате { $due }{ $breakdown }{ $reported_any ->
    [yes] , заявлено покупателем и ждёт подтверждения { $reported }
   *[no] {""}
}, подтверждено { $confirmed } — { $balance_kind ->
    [owes] осталось оплатить { $owed }
    [overpaid] переплата, вернуть { $refund }
    [refund] вернуть { $refund }
   *[settled] в расчёте
}
payments-rec-breakdown = { " " }(товары { $items }{ $fee_any ->
    [yes] { " " }+ оргсбор { $fee }
   *[no] {""}
}{ $discount_any ->
    [yes] { " " }− скидка { $discount }{ $has_code ->
        [yes] { " " }по промокоду { $code }
       *[no] {""}
    }
   *[no] {""}
}{ $transport_any ->
    [yes] { " " }+ ТР { $transport }
   *[no] {""}
})
payments-rec-more = …и ещё { $count } — все строки в файлах.
payments-rec-totals = Итого по { $orders } { $orders ->
    [one] заказу
   *[other] заказам
}: к оплате { $due } (товары { $items } + оргсбор { $fee } − скидки { $discount }{ $transport_any ->
    [yes] { " " }+ ТР { $transport }
   *[no] {""}
}), заявлено покупателями и ждёт подтверждения { $reported }, подтверждено { $confirmed }.
payments-rec-owed = Покупатели ещё должны: { $owed }
payments-rec-refund = Вернуть покупателям (переплаты и отменённые заказы): { $refund }
payments-rec-file-csv = Сверка, CSV
payments-rec-file-xlsx = Сверка, Excel
payments-rec-sheet = Сверка { $id }
payments-rec-col-number = Заказ
payments-rec-col-buyer = Покупатель
payments-rec-col-status = Состояние
payments-rec-col-items = Товары, ₽
payments-rec-col-fee = Оргсбор, ₽
payments-rec-col-discount = Скидка, ₽
payments-rec-col-promo = Промокод
payments-rec-col-due = К оплате, ₽
payments-rec-col-reported = Заявлено покупателем, ждёт подтверждения, ₽
payments-rec-col-confirmed = Подтверждено, ₽
payments-rec-col-owed = Осталось оплатить, ₽
payments-rec-col-refund = К возврату, ₽
payments-rec-col-total = Итого

## Напоминания
payments-reminder-day-before =
    ⏰ Напоминание: оплатить покупку «{ $title }» нужно до { $deadline } (МСК).
    { $orders }
    Уже оплатили? Сообщите об оплате: /pay
payments-reminder-due-day =
    ⏰ Сегодня последний день оплаты покупки «{ $title }»: до { $deadline } (МСК).
    { $orders }
    Уже оплатили? Сообщите об оплате: /pay
payments-button-pay = Сообщить об оплате
payments-deadline-moved = 📅 Срок оплаты покупки «{ $title }» перенесён: теперь до { $deadline } (МСК). Уже оплатили? Сообщите: /pay
