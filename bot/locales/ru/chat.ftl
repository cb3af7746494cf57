## Переписка покупателя с организатором, претензии и модерация (issue 19).

cmd-chat = написать организатору о заказе
cmd-claim = претензия: брак, не тот товар, недовложение
cmd-chats = переписка с покупателями и претензии
cmd-moderation = нарушения в переписке, блокировки

# --- модерация ---
chat-rule = { $rule ->
    [contacts] обмен контактами и личными данными (телефоны, почта, карты, адреса, ники и ссылки на профили) запрещён — вся переписка идёт через бота
    [links] ссылки на другие сайты, магазины и площадки запрещены
    [abuse] оскорбления, мат и угрозы запрещены
    [one_word] организатор отвечает покупателю развёрнуто, а не одним словом
    [disparage] организаторам нельзя отзываться о сервисе пренебрежительно
   *[other] сообщение нарушает правила переписки
    }
chat-blocked = ⛔ Сообщение не отправлено: { chat-rule }. Найдено: { $detail ->
    [phone] номер телефона
    [email] адрес почты
    [url] ссылка
    [one_word] ответ из одного слова
   *[other] { $detail }
    }. Исправьте текст и пришлите снова.
chat-suspended = ⛔ Переписка для вас приостановлена до { $until } (МСК) из-за повторных нарушений правил. Если это ошибка, администратор сервиса может снять ограничение.
chat-suspended-now = ⛔ Это уже не первое нарушение: переписка для вас приостановлена до { $until } (МСК). Администратор сервиса уведомлён.
chat-admin-suspended = ⛔ Переписка приостановлена до { $until } (МСК): { $who } ({ $role ->
    [organizer] организатор
   *[other] покупатель
    }), нарушений подряд: { $strikes }. Подробности и снятие — /moderation

# --- ветка переписки ---
chat-button-reply = ✍ Ответить
chat-button-order = № { $number } · { $title }
chat-no-orders = У вас нет активных заказов — писать организатору пока не о чем. Заказы — /orders
chat-pick-order = О каком заказе написать организатору?
claim-pick-order = По какому заказу претензия?
chat-order-unknown = Такого заказа среди ваших нет.
chat-order-typed-unknown = Заказа «{ $number }» среди ваших активных заказов нет. Выберите заказ кнопкой: /chat
chat-unknown = Этой переписки среди ваших нет.
chat-history-line = { $when } { $author ->
    [me] Вы
    [organizer] { $organizer }
   *[other] Покупатель
    }: { $text }{ $photos ->
    [0] {""}
   *[other] {" "}🖼 { $photos } фото
    }
chat-thread = { $kind ->
    [claim] 📝 Претензия
   *[other] 💬 Переписка
    } по заказу № { $number } («{ $title }»){ $side ->
    [buyer] {" "}с организатором { $organizer }
   *[other] {""}
    }.
    { $count ->
    [0] Сообщений пока нет.
   *[other] Последние сообщения:
    { $history }
    }

    Напишите сообщение (до { $max } символов; можно фото с подписью). Контакты и ссылки не пропускаются — общение идёт только через бота. Выйти — /cancel
chat-too-long = Слишком длинно: { $length } символов, можно до { $max }. Сократите и пришлите снова.
chat-empty = Сообщение пустое — напишите текст или пришлите фото.
chat-sent = ✅ Отправлено { $side ->
    [buyer] организатору. Ответ придёт сюда; организатор отвечает в течение { $days ->
        [one] { $days } дня
       *[other] { $days } дней
    }.
   *[other] покупателю заказа № { $number }.
    }
chat-relayed = { $kind ->
    [claim] 📝 Претензия по заказу № { $number } («{ $title }»)
   *[other] 💬 Заказ № { $number } («{ $title }»)
    }{ $side ->
    [buyer] {" "}— пишет покупатель:
   *[other] {" "}— отвечает { $organizer }:
    }
    { $text }
chat-photo-only = (фото без подписи)
chat-photo-elsewhere = (к сообщению приложено фото с другой платформы — здесь его не показать)

# --- /chats ---
chat-org-none = Покупатели вам пока не писали.
chat-org-title = 💬 Переписка с покупателями{ $waiting ->
    [0] : все ответы даны.
    [one] : ждёт ответа { $waiting }.
    [few] : ждут ответа { $waiting }.
   *[many] : ждут ответа { $waiting }.
    } Сначала те, кто ждёт дольше:
chat-wait = { $unit ->
    [minutes] { $waited ->
        [one] { $waited } минуту
        [few] { $waited } минуты
       *[other] { $waited } минут
    }
    [hours] { $waited ->
        [one] { $waited } час
        [few] { $waited } часа
       *[other] { $waited } часов
    }
   *[days] { $waited ->
        [one] { $waited } день
        [few] { $waited } дня
       *[other] { $waited } дней
    }
    }
chat-org-entry = { $position }. { $kind ->
    [claim] 📝 претензия
   *[other] 💬
    } № { $number } «{ $title }» — { $waiting ->
    [yes] ждёт ответа { chat-wait }
   *[other] { $status ->
        [resolved] закрыта
        [escalated] у администратора сервиса
       *[other] ответ дан
    }
    }
chat-button-open = { $position }. № { $number }

# --- сроки ответа ---
chat-deadline-reminder = ⏰ Покупатель ждёт ответа по заказу № { $number } («{ $title }») уже { $waited ->
    [one] { $waited } день
    [few] { $waited } дня
   *[other] { $waited } дней
    }. Ответьте до { $due } (МСК) — { $left ->
    [one] остался { $left } день
    [few] осталось { $left } дня
   *[other] осталось { $left } дней
    }, иначе обращение передадут администратору сервиса и зачтут нарушение.
chat-deadline-overdue = ⚠ Покупатель заказа № { $number } не получил ответа за { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[other] { $days } дней
    }. Обращение передано администратору сервиса, нарушение записано. Ответьте покупателю как можно скорее.
chat-deadline-buyer = Организатор не ответил по заказу № { $number } за { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[other] { $days } дней
    }. Мы передали обращение администратору сервиса — он разберётся.
chat-admin-overdue = ⚠ Просрочен ответ покупателю: организатор { $organizer }, заказ № { $number } («{ $title }»), без ответа { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[other] { $days } дней
    }. Нарушение записано — /moderation

# --- претензии ---
claim-no-lines = В этом заказе нет товаров — претензию не к чему привязать.
claim-button-line = { $item } · { $size } · { $quantity } шт.
claim-pick-line = Заказ № { $number }: по какому товару претензия?
claim-problem = { $problem ->
    [defect] 🔧 Брак
    [wrong] 🔄 Пришёл не тот товар
   *[missing] 📦 Недовложение (не пришло)
    }
claim-ask-problem = «{ $item }»: что не так?
claim-stale = Эта кнопка от другой формы. Начните претензию заново: /claim
claim-ask-text = Опишите, что не так{ $problem ->
    [defect] {" "}с товаром
   *[other] {""}
    } (до { $max } символов).
claim-text-empty = Опишите проблему словами — так организатору будет понятнее.
claim-ask-photos = { $required ->
    [yes] Пришлите фото брака — нужно хотя бы одно
   *[other] Пришлите фото, если есть
    } (до { $max }). Получено: { $count }. Когда закончите — «Готово».
claim-button-photos-done = ✅ Готово
claim-photo-expected = Жду фото. Когда закончите — нажмите «Готово».
claim-photos-full = Уже { $max } фото — это максимум. Нажмите «Готово».
claim-photo-required = Для претензии о браке нужно хотя бы одно фото. Пришлите его, затем «Готово».
claim-wish = { $wish ->
    [refund] 💸 Вернуть деньги
    [compensation] 💰 Частичная компенсация
    [replacement] 🔁 Замена
   *[missing] 📦 Довезти недостающее
    }
claim-ask-wish = Что вы хотите?
claim-sent = 📝 Претензия по заказу № { $number } отправлена организатору. Он ответит в течение { $days ->
    [one] { $days } дня
   *[other] { $days } дней
    }; решение придёт сюда. Дописать — /chat
claim-photo-caption = 📝 Претензия по заказу № { $number }: фото { $position } из { $total }
claim-problem-text = { $problem ->
    [defect] брак
    [wrong] не тот товар
   *[missing] недовложение
    }
claim-wish-text = { $wish ->
    [refund] вернуть деньги
    [compensation] частичная компенсация
    [replacement] замена
   *[missing] довезти недостающее
    }
claim-to-organizer = 📝 Претензия по заказу № { $number } («{ $title }»)
    Товар: { $item }, размер { $size }, { $quantity } шт.
    Проблема: { claim-problem-text }. Покупатель хочет: { claim-wish-text }.
    «{ $text }»{ $photos ->
    [0] {""}
   *[other] {" "}(фото: { $photos })
    }
    Ваше решение:
claim-decision-button = { $decision ->
    [refund] 💸 Вернуть деньги полностью
    [comp] 💰 Частичная компенсация
    [replace] 🔁 Замена
    [missing] 📦 Довезти недостающее
   *[reject] ✖ Отклонить
    }
claim-decision-text = { $decision ->
    [full_refund] полный возврат за товар: { $amount }
    [partial_compensation] частичная компенсация: { $amount }
    [replacement] замена товара
    [deliver_missing] довезти недостающее
   *[rejected] претензия отклонена. Причина: { $reason }
    }
claim-escalated = Претензия у администратора сервиса — решение за ним.
claim-decided = По этой претензии уже принято решение.
claim-ask-amount = Сколько компенсировать? Введите сумму в рублях, например 500 (не больше { $most }).
claim-amount-invalid = Не понял сумму. Напишите число в рублях, например { $example }.
claim-amount-too-large = Это больше, чем стоит заказ за вычетом других компенсаций: можно не больше { $most }.
claim-ask-reason = Напишите причину отказа (до { $max } символов) — покупатель её увидит.
claim-reason-empty = Причина пустая — напишите её словами.
claim-decided-to-buyer = { $final ->
    [yes] ⚖ Администратор сервиса решил
   *[other] 📝 { $organizer } ответил(а)
    } по претензии к заказу № { $number } («{ $title }»): { claim-decision-text }.{ $decision ->
    [full_refund] {" "}К возврату по заказу: { $refund }; осталось оплатить: { $owed }.
    [partial_compensation] {" "}К возврату по заказу: { $refund }; осталось оплатить: { $owed }.
   *[other] {""}
    }{ $final ->
    [yes] {""}
   *[other] {" "}Согласны — «Принять». Не согласны — передайте администратору сервиса.
    }
claim-button-accept = ✅ Принять
claim-button-escalate = ⚖ Администратору
claim-admin-decided-to-organizer = ⚖ Администратор сервиса решил по претензии к заказу № { $number } («{ $title }»): { claim-decision-text }.
claim-decided-done = Решение записано: { claim-decision-text }.{ $decision ->
    [full_refund] {" "}К возврату по заказу: { $refund } — выплатите его в /reconcile.
    [partial_compensation] {" "}К возврату по заказу: { $refund } — выплатите его в /reconcile.
   *[other] {""}
    }
claim-not-decided = Организатор ещё не принял решение.
claim-closed = По этой претензии уже { $status ->
    [escalated] обратились к администратору сервиса
   *[other] всё решено
    }.
claim-accepted = ✅ Вы приняли решение по заказу № { $number }. Претензия закрыта.
claim-escalated-done = ⚖ Претензия по заказу № { $number } передана администратору сервиса. Его решение придёт сюда.
claim-admin-escalated = ⚖ Покупатель не согласен с решением по претензии: заказ № { $number } («{ $title }»), товар { $item }, размер { $size }, { $quantity } шт.
    Проблема: { claim-problem-text }. Хочет: { claim-wish-text }.
    «{ $text }»
    Покупатель: { $buyer }. Организатор: { $organizer }.
    Решение организатора: { claim-decision-text }.
    Ваше решение:

# --- /moderation ---
moderation-title = { $count ->
    [0] Нарушений пока нет.
   *[other] Последние нарушения:
    }
moderation-entry = { $position }. { $when } · { $rule } · { $source } · { $who }, { $role ->
    [organizer] организатор
   *[other] покупатель
    }{ $false ->
    [yes] {" "}· ложная блокировка
   *[other] {""}
    }
    «{ $excerpt }»
moderation-suspended-title = Приостановлена переписка ({ $count }):
moderation-suspended-entry = • { $who } — до { $until } (МСК)
moderation-button-false = Ложная { $position }
moderation-button-lift = Снять: { $name }
moderation-button-export = ⬇ Ложные блокировки (CSV)
moderation-unknown = Такого нарушения нет.
moderation-already-false = Это нарушение уже отмечено как ложная блокировка.
moderation-marked-false = Отмечено как ложная блокировка, предупреждение снято: «{ $excerpt }». Случай сохранён для настройки словарей.
moderation-not-suspended = У этого человека переписка не приостановлена.
moderation-lifted = Ограничение снято: { $who }.
moderation-lifted-to-user = ✅ Администратор сервиса снял ограничение: вы снова можете переписываться через бота.
moderation-export-none = Ложных блокировок пока нет.
moderation-export-caption = Ложные блокировки: { $count }.
moderation-claims-title = Претензии у вас на решении: { $count }.
moderation-button-claim = ⚖ Претензия № { $number }
moderation-claim-gone = Эта претензия уже не ждёт вашего решения.
moderation-claim = ⚖ Претензия по заказу № { $number } («{ $title }»).
    Решение организатора: { claim-decision-text }.
    { $history }
    Ваше решение:
