## /broadcast: рассылка покупателям покупки, отчёты о доставке.

cmd-broadcast = рассылка покупателям покупки

broadcast-no-purchases = В ваших покупках пока нет активных заказов — рассылать некому. Рассылка уходит покупателям с активными заказами.
broadcast-choose-purchase = Кому рассылка? Выберите покупку (в скобках — покупателей с заказами):
broadcast-purchase-button = { $title } ({ $buyers })
broadcast-purchase-not-found = Такой покупки с активными заказами среди ваших нет. Выберите покупку: /broadcast
broadcast-ask-text =
    Рассылка покупателям «{ $title }»: { $buyers } чел.
    Пришлите текст сообщения (до { $limit } { $limit ->
        [one] символа
       *[other] символов
    }) или фото с подписью. Выйти — /cancel.
broadcast-text-empty = Пришлите текст сообщения или фото с подписью.
broadcast-text-too-long = Слишком длинно: { $length } { $length ->
        [one] символ
        [few] символа
       *[other] символов
    }, можно до { $limit }. Сократите текст и пришлите ещё раз.
broadcast-attachment-unsupported = К рассылке можно приложить только фото. Пришлите текст или фото с подписью.
broadcast-preview =
    Так покупатели увидят сообщение:
    ━━━━━━━━
    { $message }
    ━━━━━━━━
    Получат: { $recipients }.
    { $not_reached }
    Отправить? Чтобы заменить текст, просто пришлите новый.
broadcast-button-send = ✅ Отправить ({ $recipients })
broadcast-button-edit = ✏️ Изменить
broadcast-button-cancel = Отмена
broadcast-nobody-to-send = В покупке больше нет покупателей с активными заказами — рассылка не отправлена.
broadcast-outdated = Эта рассылка уже отправлена или отменена. Новая рассылка — /broadcast.
broadcast-queued =
    📣 Рассылка поставлена в очередь: { $total } { $total ->
        [one] получатель
        [few] получателя
       *[other] получателей
    }.
    Когда она закончится, пришлю отчёт о доставке.
broadcast-message =
    📣 { $organizer } · «{ $title }»

    { $text }
broadcast-button-notify = 🔕 Настройки уведомлений
broadcast-progress = 📣 Рассылка «{ $title }»: обработано { $done } из { $total }, доставлено { $sent }.
broadcast-report =
    📣 Рассылка «{ $title }» завершена. Получателей: { $total }.
    ✅ Доставлено: { $sent }
    🔕 Не получили, уведомления или сообщения не разрешены: { $not_allowed }
    🚫 Недоступны (заблокировали бота): { $blocked }
    ⚠️ Не доставлено из-за ошибки: { $failed }
