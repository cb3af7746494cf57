## Дружеские скидки: /invite, ссылки-приглашения, /promo, /rounds для администраторов сервиса.

cmd-invite = пригласить друзей и получить скидку
cmd-promo = мои промокоды
cmd-rounds = раунды дружеских скидок

referrals-offer = скидка { $discount } на любой заказ
referrals-offer-min = скидка { $discount } на заказ от { $min }

referrals-button-invite = Пригласить друзей
referrals-button-my-codes = Мои промокоды
referrals-button-friends = Мои друзья
referrals-button-purchases = Покупки

## /invite

referrals-invite-round =
    🎁 Дружеские скидки — раунд №{ $round }, до { $ends } (МСК).
    Пригласите { $threshold } { $threshold ->
        [one] друга
        [few] друга
       *[other] друзей
    } и получите личный промокод: { $offer }.
referrals-rule-start = Друг засчитывается, когда впервые запускает бота по вашей ссылке.
referrals-rule-first-order = Друг засчитывается, когда впервые запускает бота по вашей ссылке и делает первый заказ.
referrals-rule-first-payment = Друг засчитывается, когда впервые запускает бота по вашей ссылке и организатор подтверждает его первую оплату.
referrals-invite-progress = Прогресс: { $count } из { $threshold } { $threshold ->
        [one] друга
       *[other] друзей
    }.
referrals-invite-waiting = Ещё ждём действия от { $count } { $count ->
        [one] друга
       *[other] друзей
    }.
referrals-invite-done = Цель раунда достигнута! Ваш промокод: { $code } — применить: /promo
referrals-invite-link = Ваша ссылка: { $link }
referrals-invite-forward-hint = Ниже — готовое сообщение для друзей: перешлите его или скопируйте и допишите своими словами.
referrals-invite-forward =
    Привет! Я заказываю в совместных покупках через этого бота: заказы, оплата и пункт выдачи — всё в одном чате.
    Присоединяйся по моей ссылке: { $link }
referrals-invite-none-planned = Сейчас раунд дружеских скидок не идёт, и следующий пока не запланирован. Мы сообщим, когда он откроется.
referrals-invite-next = Сейчас раунд дружеских скидок не идёт. Следующий откроется { $starts } (МСК): пригласите { $threshold } { $threshold ->
        [one] друга
        [few] друга
       *[other] друзей
    } — { $offer }.

referrals-friends-empty = Пока никто не пришёл по вашей ссылке. Отправьте её друзьям: /invite
referrals-friends-title = Ваши друзья ({ $count }), страница { $page } из { $pages }:
referrals-friend-unnamed = без имени
referrals-friend-counted = ✅ { $name } — засчитан
referrals-friend-waiting-order = ⏳ { $name } — ждём первого заказа
referrals-friend-waiting-payment = ⏳ { $name } — ждём первой подтверждённой оплаты
referrals-friend-refused = ❌ { $name } — не засчитан: { $reason }
referrals-reason-self = это ваша собственная ссылка
referrals-reason-not-new = уже пользовался ботом до приглашения
referrals-reason-already-invited = уже засчитан другому пригласившему
referrals-reason-no-round = раунд в это время не шёл
referrals-reason-round-ended = не успел сделать нужное до конца раунда
referrals-reason-voided = приглашение аннулировано администратором
referrals-reason-unknown-token = ссылка не распознана

referrals-friend-counted-note = 🎉 Ваш друг засчитан: { $count } из { $threshold } { $threshold ->
        [one] друга
       *[other] друзей
    }.

referrals-code-issued =
    🎉 Вы пригласили { $threshold } { $threshold ->
        [one] друга
        [few] друга
       *[other] друзей
    }! Ваш личный промокод: { $code }
    Это { $offer }, действует до { $until } (МСК), на один заказ.
    Применить к заказу: /promo

## Друг пришёл по ссылке

referrals-arrived-counted = Вы пришли по приглашению друга — спасибо, он получит за это бонус.
referrals-arrived-waiting-order = Вы пришли по приглашению друга. Приглашение засчитается, когда вы сделаете первый заказ: /purchases
referrals-arrived-waiting-payment = Вы пришли по приглашению друга. Приглашение засчитается, когда организатор подтвердит вашу первую оплату.
referrals-arrived-self = Это ваша собственная ссылка-приглашение. Отправьте её друзьям: засчитываются только новые пользователи бота.
referrals-arrived-no-round = Сейчас раунд дружеских скидок не идёт, поэтому приглашение не засчитано. Бот при этом полностью к вашим услугам.
referrals-arrived-not-new = Вы уже пользуетесь ботом, поэтому приглашение не засчитывается: оно действует только для новых пользователей. Команды — /help.
referrals-link-unknown = Эта ссылка-приглашение не распознана: возможно, её скопировали не полностью.

## /promo

referrals-promo-none = У вас пока нет промокодов. Пригласите друзей и получите скидку: /invite
referrals-promo-title = Ваши промокоды:
referrals-promo-entry = { $code } — { $offer }, до { $until } (МСК)
referrals-promo-state-open = можно применить
referrals-promo-state-used = использован (заказ { $number })
referrals-promo-state-expired = срок истёк
referrals-promo-how = Код применяется к одному вашему заказу. Нажмите «Применить» или напишите /promo КОД.
referrals-promo-button-apply = Применить { $code }
referrals-promo-choose-order = К какому заказу применить { $code } ({ $offer })?
referrals-promo-order-button = { $number } · { $title } · { $sum }
referrals-promo-no-orders = Пока некуда применить { $code }: нужен действующий заказ без другого кода, ещё не оплаченный полностью, в незавершённой покупке. Оформите заказ и возвращайтесь: /promo
referrals-promo-applied = Промокод { $code } применён к заказу { $number }: скидка { $discount }. Теперь к оплате: { $due }.

referrals-promo-not-found = Такого промокода среди ваших нет. Проверьте написание — ваши коды показывает /promo.
referrals-promo-used = Промокод { $code } уже использован: каждый код действует на один заказ.
referrals-promo-expired = Срок действия промокода { $code } истёк { $until } (МСК).
referrals-promo-not-started = Промокод { $code } ещё не начал действовать.
referrals-promo-order-not-found = Такого заказа у вас нет. Выберите заказ из списка: /promo
referrals-promo-order-closed = К заказу { $number } код не применить: заказ отменён или покупка завершена.
referrals-promo-order-paid = Заказ { $number } уже оплачен полностью — код к нему не применить.
referrals-promo-order-has-code = К заказу { $number } уже применён промокод: на заказ — один код.
referrals-promo-below-minimum = Код действует на заказ от { $min } (товары + оргсбор), а заказ { $number } — на { $sum }. Добавьте товаров или выберите другой заказ.

## Объявления раундов

referrals-round-opened =
    🎁 Открылся раунд №{ $round } дружеских скидок!
    Пригласите { $threshold } { $threshold ->
        [one] друга
        [few] друга
       *[other] друзей
    } до { $ends } (МСК) и получите личный промокод: { $offer }.
    Ваша ссылка — /invite
referrals-round-closed = Раунд №{ $round } дружеских скидок завершён. Ваши промокоды — /promo
referrals-round-next = Следующий раунд откроется { $starts } (МСК): { $threshold } { $threshold ->
        [one] друг
        [few] друга
       *[other] друзей
    } — { $offer }.

## /rounds: администраторы сервиса

referrals-status-scheduled = запланирован
referrals-status-open = идёт
referrals-status-closed = завершён
referrals-status-cancelled = отменён

referrals-action-none = без условия (запуск бота)
referrals-action-first-order = первый заказ друга
referrals-action-first-payment = первая подтверждённая оплата друга

referrals-duration-zero = сразу
referrals-duration-days = { $count } { $count ->
    [one] день
    [few] дня
   *[many] дней
}
referrals-duration-hours = { $count } { $count ->
    [one] час
    [few] часа
   *[many] часов
}
referrals-duration-minutes = { $count } { $count ->
    [one] минута
    [few] минуты
   *[many] минут
}
referrals-series-none = нет (раунд разовый)
referrals-series-pause = следующий раунд с теми же условиями через { $pause } после конца

referrals-admin-summary =
    Время: { $starts } — { $ends } (МСК)
    Пригласить: { $threshold } { $threshold ->
        [one] друга
        [few] друга
       *[other] друзей
    }
    Награда: { $offer }
    Коды действуют до: { $codes } (МСК)
    Условие для друга: { $action }
    Серия: { $series }
referrals-admin-stats =
    Участников: { $participants }. Друзей засчитано: { $counted }, ждут действия: { $waiting }, под флагом: { $flagged }.
    Отказы: { $refused }.
    Кодов выдано: { $codes }, использовано: { $redeemed }, скидок на { $discount }.
referrals-admin-refused-entry = { $reason } — { $count }
referrals-admin-refused-none = нет

referrals-admin-usage = Как пользоваться: /rounds — список раундов; /rounds new — новый раунд; /rounds 3 — раунд №3; /rounds credit 15 или /rounds void 15 — засчитать или аннулировать приглашение №15.
referrals-admin-bad-id = «{ $id }» — не номер. Напишите число, например 15.
referrals-admin-list-empty = Раундов пока нет. Создайте первый:
referrals-admin-list-title = Раунды дружеских скидок (последние):
referrals-admin-list-entry = №{ $id } · { $status } · { $starts } — { $ends } (МСК)
referrals-admin-round-not-found = Раунда №{ $id } нет. Список — /rounds
referrals-admin-card-title = Раунд №{ $id } — { $status }
referrals-admin-button-new = ➕ Новый раунд
referrals-admin-button-edit = Изменить
referrals-admin-button-cancel = Отменить раунд
referrals-admin-button-cancel-sure = Да, отменить
referrals-admin-button-top = Лучшие пригласившие
referrals-admin-button-flagged = Под флагом ({ $count })
referrals-admin-button-list = ← Все раунды
referrals-admin-button-back = ← Назад
referrals-admin-button-create = ✅ Создать раунд
referrals-admin-button-credit = ✔ №{ $id }
referrals-admin-button-void = ✖ №{ $id }

referrals-admin-ask-start = Когда открыть раунд? Дата и время по Москве, например «{ DAY(1) } 10:00», или «сейчас». Выйти — /cancel
referrals-admin-ask-end = Когда закрыть? Дата и время по Москве («{ DAY(8) } 22:00») или длительность: «7» (дней), «36 ч», «2 недели».
referrals-admin-ask-threshold = Сколько друзей нужно пригласить, чтобы получить код? Число от 1, по умолчанию { $threshold }.
referrals-admin-ask-discount = Какая скидка по коду? Сумма, например «399», или процент — «10%».
referrals-admin-ask-minimum = Минимальная сумма заказа (товары + оргсбор), например «400». «0» — без минимума.
referrals-admin-ask-codes = Сколько коды действуют после конца раунда? Число дней («30»), длительность («2 недели») или дата. По умолчанию — до конца раунда.
referrals-admin-ask-action = Что должен сделать друг, чтобы засчитаться? Без условия друг засчитывается при первом запуске бота — такое проще накрутить.
referrals-admin-ask-pause = Серия: через сколько после конца открыть следующий раунд с теми же условиями? «3» (дня), «12 ч» — или кнопка «Без серии».
referrals-admin-default-threshold = { $threshold } (по умолчанию)
referrals-admin-default-minimum = Без минимума
referrals-admin-default-codes = До конца раунда
referrals-admin-default-pause = Без серии
referrals-admin-confirm = Проверьте раунд и нажмите «Создать». Выйти без сохранения — /cancel
referrals-admin-use-create = Нажмите «Создать раунд» под сводкой или /cancel, чтобы выйти.
referrals-admin-form-gone = Эта форма уже закрыта. Начните заново: /rounds
referrals-admin-start-passed = Пока вы заполняли форму, время начала прошло. Укажите новое начало, например «сейчас»:
referrals-admin-created = Раунд №{ $id } создан: откроется { $starts } (МСК), объявление получат все, кто разрешил уведомления.
referrals-admin-overlap = Это время пересекается с раундом №{ $id } ({ $starts } — { $ends } МСК): одновременно идёт только один раунд. Укажите другое время.

referrals-admin-field-start = Начало
referrals-admin-field-end = Конец
referrals-admin-field-threshold = Порог друзей
referrals-admin-field-discount = Скидка
referrals-admin-field-minimum = Минимальный заказ
referrals-admin-field-codes = Срок кодов
referrals-admin-field-action = Условие для друга
referrals-admin-field-pause = Серия
referrals-admin-edit-which = Что изменить в раунде №{ $id }?
referrals-admin-edited = Раунд №{ $id } изменён.
referrals-admin-not-editable = Раунд №{ $id } уже начался или закрыт: менять можно только раунд, который ещё не начался.

referrals-admin-cancel-scheduled = Отменить раунд №{ $id }? Он не откроется, объявлений не будет.
referrals-admin-cancel-open = Отменить идущий раунд №{ $id }? Он закроется сейчас, без следующего раунда серии; уже выданные коды останутся в силе.
referrals-admin-cancelled = Раунд №{ $id } отменён.
referrals-admin-cancel-not-possible = Раунд №{ $id } уже { $status } — отменять нечего.

referrals-admin-top-empty = В раунде №{ $id } пока никого не пригласили.
referrals-admin-top-title = Лучшие пригласившие, раунд №{ $id }:
referrals-admin-top-entry = { $place }. { $name } — засчитано { $counted }, ждут { $waiting }
referrals-admin-top-has-code = 🎟 код выдан
referrals-admin-user-not-found = Такого пользователя нет.
referrals-admin-user-title = Друзья { $name } в раунде №{ $id }:
referrals-admin-flagged-empty = В раунде №{ $id } нет приглашений под флагом.
referrals-admin-flagged-title = Под флагом в раунде №{ $id } — много друзей за короткое время, и они ничего не делают. Засчитайте (✔) или аннулируйте (✖):
referrals-admin-flagged-entry = { $inviter } → { $line }
referrals-admin-flag-mark = ⚠️

referrals-admin-invite-not-found = Приглашения №{ $id } нет.
referrals-admin-credited = Приглашение №{ $id } засчитано.
referrals-admin-credited-code = Приглашение №{ $id } засчитано; пригласивший достиг порога и получил промокод.
referrals-admin-unflagged = Приглашение №{ $id } уже засчитано; флаг снят.
referrals-admin-voided = Приглашение №{ $id } аннулировано.
referrals-admin-voided-code-kept = Приглашение №{ $id } аннулировано. Промокод, уже выданный пригласившему, остаётся в силе.
referrals-admin-already-counted = Приглашение №{ $id } уже засчитано.
referrals-admin-already-refused = Приглашение №{ $id } и так не засчитано.
referrals-admin-no-round = Приглашение №{ $id } пришло, когда раунд не шёл: засчитывать его некуда.
referrals-admin-self = Приглашение №{ $id } — по собственной ссылке: такое не засчитывается.
referrals-admin-friend-taken = Этот друг уже засчитан по приглашению №{ $other }: у друга может быть только один пригласивший.
referrals-admin-round-cancelled = Раунд приглашения №{ $id } отменён: засчитывать его некуда.

## Ошибки формы раунда

referrals-form-moment-format = Не понял дату. Напишите, например, «{ DAY(1) } 10:00» или «{ DAY(1, style: "short") } 10:00» (время по Москве).
referrals-form-moment-invalid = Такой даты или времени не бывает. Проверьте число, месяц и часы.
referrals-form-duration-format = Не понял длительность. Напишите, например, «7» (дней), «36 ч» или «2 недели».
referrals-form-duration-zero = Длительность должна быть больше нуля.
referrals-form-duration-too-long = Слишком долго: не больше { $days } { $days ->
        [one] дня
       *[other] дней
    }.
referrals-form-start-past = Это время уже прошло. Укажите будущее время или «сейчас».
referrals-form-start-too-far = Слишком далеко: раунд можно запланировать не больше чем на два года вперёд.
referrals-form-end-too-soon = Конец должен быть хотя бы через час после начала.
referrals-form-round-too-long = Раунд не может длиться дольше { $days } { $days ->
        [one] дня
       *[other] дней
    }.
referrals-form-threshold = Порог — целое число друзей от 1 до { $max }.
referrals-form-codes-before-end = Коды не могут закончиться раньше раунда. Укажите дату после конца раунда или «-».
referrals-form-action = Выберите условие кнопкой: без условия, первый заказ или первая оплата.
referrals-form-amount-empty = Напишите сумму, например «399».
referrals-form-amount-not-a-number = Не понял сумму. Напишите число, например «399» или «1 500,50».
referrals-form-amount-negative = Сумма не может быть отрицательной.
referrals-form-amount-zero = Скидка должна быть больше нуля.
referrals-form-amount-too-large = Слишком большая сумма — проверьте, нет ли лишних цифр.
referrals-form-amount-too-precise = Копеек — не больше двух знаков после запятой.
referrals-form-percent-empty = Напишите процент, например «10%».
referrals-form-percent-not-a-number = Не понял процент. Напишите, например, «10%» или «12,5%».
referrals-form-percent-negative = Процент не может быть отрицательным.
referrals-form-percent-zero = Скидка должна быть больше нуля.
referrals-form-percent-too-large = Скидка не может быть больше 100 %.
referrals-form-percent-too-precise = Не больше двух знаков после запятой в процентах.
referrals-promo-offer = У вас есть промокод, который подходит к этому заказу: нажмите, чтобы применить скидку.
referrals-promo-offer-button = Применить { $code }: −{ $discount }
