## Промокоды организаторов для блогеров и партнёров: /newpromo, /mypromos, /promoreport,
## /affiliate, /approve.

cmd-newpromo = новый промокод для покупателей и блогеров
cmd-mypromos = мои промокоды организатора
cmd-promoreport = отчёт по продажам промокода (CSV и XLSX)
cmd-affiliate = партнёрам и блогерам: каталог промокодов и ссылки
cmd-approve = одобрить организаторов, промокоды и партнёров

promo-scope-all = на все закупки организатора
promo-scope-category = на закупки категории «{ $category }»
promo-scope-purchase = на закупку «{ $title }»
promo-dates = Действует с { $starts } до { $ends } (МСК).
promo-category-any = Любая категория (все закупки организатора)

## /newpromo

promo-ask-code = Новый промокод. Напишите сам код: латинские буквы и цифры, от 4 до 32 знаков (например, LETO2026), — или нажмите «Сгенерировать». Можно и одной строкой: /newpromo LETO2026; 10%; все; сейчас; 30; 100; 1; -; да
promo-ask-discount = Скидка: сумма («300») или процент («10%»).
promo-ask-scope = На что действует код? Нажмите кнопку или напишите «все», «закупка 12» или название категории.
promo-ask-start = С какого момента действует код? Например, «сейчас» или «{ DAY(1) } 10:00» (МСК).
promo-ask-end = До какого момента? Дата («{ DAY(30) }») или срок от начала («30» дней, «2 недели»). Рекомендуем не меньше двух недель.
promo-ask-limit = Сколько раз всего можно применить код? Напишите число или «-» — без ограничения.
promo-ask-per-user = Сколько раз один покупатель может применить код? Число; «-» — один раз.
promo-ask-minimum = Минимальная сумма заказа (товары + оргсбор), например «1000». Фиксированная скидка не может быть больше этой суммы; для скидки в процентах можно «-» — без минимума.
promo-ask-shared = Поделиться кодом с блогерами и партнёрами? Они найдут его в каталоге, получат личные ссылки, а вы увидите в отчёте, какие заказы пришли от них. Выбор делается один раз: потом его не изменить.

promo-button-generate = Сгенерировать
promo-button-scope-all = Все мои закупки
promo-button-scope-category = Категория: { $category }
promo-button-scope-purchase = №{ $id } · { $title }
promo-button-now = Сейчас
promo-button-no-limit = Без ограничения
promo-button-once-per-buyer = Один раз
promo-button-no-minimum = Без минимума
promo-button-share-yes = Да, поделиться
promo-button-share-no = Нет
promo-button-create = Создать
promo-button-discard = Отменить

promo-form-line = Одной строкой промокод записывается так — { $count } { $count ->
        [one] поле
        [few] поля
       *[other] полей
    } через «;»: код (или «+»); скидка; на что; начало; конец; лимит всего; лимит на покупателя; минимум; делиться (да/нет). Например: /newpromo LETO2026; 10%; все; сейчас; 30; 100; 1; -; да
promo-form-code = Код — латинские буквы и цифры, от { $min } до { $max } знаков, например LETO2026. Или «+», чтобы сгенерировать.
promo-form-code-taken = Код { $code } уже занят. Придумайте другой или нажмите «Сгенерировать».
promo-form-scope = Не нашёл такую закупку или категорию. Ваши категории: { $categories }. Напишите «все», «закупка 12» или название категории.
promo-form-scope-purchase = Закупки №{ $id } нет среди ваших текущих закупок.
promo-form-start-past = Это время уже прошло. Укажите будущее время или «сейчас».
promo-form-start-too-far = Слишком далеко: начало — не позже чем через год.
promo-form-end-too-soon = Конец должен быть хотя бы через час после начала.
promo-form-too-long = Код не может действовать дольше { $days } { $days ->
        [one] дня
       *[other] дней
    }.
promo-form-limit = Напишите целое число от 1 до { $max } или «-».
promo-form-discount-above-minimum = Фиксированная скидка { $discount } больше минимальной суммы заказа { $minimum }: заказы около минимума стали бы почти бесплатными. Укажите минимум не меньше скидки.
promo-form-shared = Ответьте кнопкой: «Да, поделиться» или «Нет».
promo-form-stale = Эта кнопка уже не к месту: начните заново — /newpromo.
promo-confirm-use-buttons = Проверьте промокод и нажмите «Создать» или «Отменить».

promo-confirm-title = Проверьте промокод:
promo-code-generated = будет сгенерирован
promo-summary-code = Код: { $code }
promo-summary-offer = Скидка: { $offer }
promo-summary-scope = Действует { $scope }
promo-summary-limits = Лимит применений: всего { $total }, на покупателя { $per_buyer }
promo-summary-shared-yes = Блогерам и партнёрам: делиться (после одобрения администратором сервиса)
promo-summary-shared-no = Блогерам и партнёрам: не делиться — код работает только для тех, кто его введёт
promo-confirm-sharing-final = ⚠️ Выбор «делиться с блогерами и партнёрами» изменить нельзя: ни после создания, ни после отмены кода.
promo-warning-short-validity = ⚠️ Код действует меньше двух недель. Блогерам нужно время на публикации — рекомендуем две недели и больше.
promo-warning-large-discount = ⚠️ Скидка может забрать больше половины заказа. Её оплачиваете вы: проверьте сумму.

promo-discarded = Промокод не создан.
promo-created = Промокод { $code } создан и уже работает для покупателей, которые его введут (/promo { $code }). Список и отмена — /mypromos.
promo-created-shared = Промокод { $code } создан и уже работает для покупателей, которые его введут. В каталог для блогеров и партнёров он попадёт после одобрения администратором сервиса — мы сообщим. Список — /mypromos.

## /mypromos

promo-mine-none = У вас пока нет промокодов. Создать — /newpromo.
promo-mine-title = Ваши промокоды:
promo-mine-entry = { $code } — { $state }: { $offer }
promo-mine-usage = Применён { $used } { $used ->
        [one] раз
        [few] раза
       *[other] раз
    } (лимит: { $limit })
promo-mine-report-hint = Отчёт по продажам кода — /promoreport.
promo-state-active = действует
promo-state-cancelled = отменён
promo-state-expired = срок истёк
promo-state-not-started = ещё не начал действовать
promo-sharing-no = Не для блогеров и партнёров
promo-sharing-pending = Для блогеров и партнёров: ждёт одобрения
promo-sharing-approved = Для блогеров и партнёров: одобрен
promo-sharing-refused = Для блогеров и партнёров: отклонён — { $reason }
promo-button-cancel-code = Отменить { $code }
promo-button-cancel-yes = Да, отменить
promo-cancel-ask = Отменить промокод { $code }? Его больше нельзя будет применить; заказы, где он уже применён, сохранят скидку. Выбор «делиться с блогерами» останется прежним.
promo-cancelled = Промокод { $code } отменён. Заказы, где он применён, сохраняют скидку.
promo-cancel-already = Промокод { $code } уже отменён.
promo-not-yours = Такого промокода среди ваших нет. Ваши коды — /mypromos.

## /promoreport

promo-report-choose = Отчёт по какому промокоду?
promo-button-report = { $code } · { $used } { $used ->
        [one] заказ
        [few] заказа
       *[other] заказов
    }
promo-report-summary = Промокод { $code }: { $orders } { $orders ->
        [one] заказ
        [few] заказа
       *[other] заказов
    }, выручка { $revenue }, скидки { $discount }.
promo-report-file-csv = Отчёт по промокоду, CSV
promo-report-file-xlsx = Отчёт по промокоду, XLSX
promo-report-sheet = Промокод { $code }
promo-report-col-number = Заказ
promo-report-col-date = Дата
promo-report-col-purchase = Закупка
promo-report-col-items = Товары
promo-report-col-discount = Скидка
promo-report-col-due = К оплате
promo-report-col-status = Статус заказа
promo-report-col-paid = Оплачен
promo-report-col-buyer = Покупатель (псевдоним)
promo-report-col-referred = Привёл партнёр
promo-report-paid-yes = да
promo-report-paid-no = нет
promo-report-status-active = действует
promo-report-status-cancelled = отменён
promo-report-total = Итого

## Покупатели: код организатора на заказе

promo-refused-not-started = Промокод { $code } начнёт действовать { $starts } (МСК).
promo-refused-expired = Срок промокода { $code } истёк { $until } (МСК).
promo-refused-used-up = Промокод { $code } уже применили максимальное число раз.
promo-refused-user-limit = Вы уже применяли промокод { $code } столько раз, сколько можно одному покупателю.
promo-refused-out-of-scope = Промокод { $code } не действует на этот заказ: он для других закупок.
promo-typed-no-orders = Пока некуда применить { $code }: нужен действующий заказ в закупке, на которую действует код, без другого кода и ещё не оплаченный полностью. Оформите заказ и возвращайтесь: /promo { $code }
promo-linked-offer = По ссылке партнёра для вас есть промокод к этому заказу: нажмите, чтобы применить скидку.

## Ссылки партнёров

promo-link-opened = 🎁 Вам промокод { $code }: { $offer }, { $scope }. { $dates } Оформите заказ — и бот предложит применить код одной кнопкой.
promo-link-own = Это ваша собственная ссылка на промокод { $code } ({ $offer }): переходы по ней от вас не считаются.
promo-link-unknown = Эта ссылка на промокод больше не действует. Посмотрите текущие покупки:
promo-button-open-purchase = Открыть закупку

## /affiliate

promo-aff-ask-about = Стать партнёром: расскажите коротко о своей аудитории и канале (где вы пишете, сколько подписчиков, о чём), от { $min } до { $max } знаков. Заявку рассмотрит администратор сервиса.
promo-aff-about-short = Слишком коротко: напишите хотя бы { $min } { $min ->
        [one] знак
        [few] знака
       *[other] знаков
    } о своей аудитории и канале.
promo-aff-about-long = Слишком длинно: не больше { $max } { $max ->
        [one] знака
       *[other] знаков
    }.
promo-aff-applied = Заявка отправлена. Мы сообщим, когда администратор её рассмотрит.
promo-aff-pending = Ваша заявка партнёра ждёт решения администратора. Мы сообщим.
promo-aff-refused = Заявку партнёра отклонили: { $reason }. Можно подать заново.
promo-button-apply-again = Подать заново
promo-aff-not-approved = Каталог промокодов открыт одобренным партнёрам. Подать заявку — /affiliate.
promo-aff-catalogue = Каталог промокодов для партнёров. Выберите категорию (⭐ — вы подписаны):
promo-aff-catalogue-empty = Пока в каталоге нет промокодов. Мы сообщим о новых в категориях, на которые вы подпишетесь.
promo-button-category = { $followed ->
        [true] ⭐ { $category } ({ $count })
       *[other] { $category } ({ $count })
    }
promo-button-my-links = Мои ссылки и продажи
promo-aff-category-gone = Каталог изменился. Откройте его заново: /affiliate
promo-aff-category-title = { $category } — страница { $page } из { $pages }, новые сверху:
promo-aff-code-entry = { $code } — { $offer } · { $organizer }
promo-button-get-link = Моя ссылка на { $code }
promo-button-follow = ⭐ Сообщать о новых кодах здесь
promo-button-unfollow = Не сообщать о новых кодах здесь
promo-aff-followed = Подписка оформлена: сообщим о новых промокодах в категории «{ $category }» (если у вас включены уведомления, /notify).
promo-aff-unfollowed = Больше не сообщаем о новых промокодах в категории «{ $category }».
promo-aff-code-gone = Этот промокод больше не в каталоге.
promo-aff-link =
    Ваша ссылка на промокод { $code }: { $link }
    Скидка: { $offer }, { $scope }. Покупатели, пришедшие по ссылке в течение 30 дней, получат код одной кнопкой при заказе, а заказ засчитается вам.
promo-aff-mine-none = У вас пока нет ссылок. Получите их в каталоге: /affiliate
promo-aff-mine-title = Ваши ссылки и продажи:
promo-aff-mine-entry = { $code }: { $visits } { $visits ->
        [one] переход
        [few] перехода
       *[other] переходов
    }, { $orders } { $orders ->
        [one] заказ
        [few] заказа
       *[other] заказов
    } на { $sum }
promo-button-catalogue = Каталог промокодов
promo-follow-new-code = 🆕 Новый промокод в категории «{ $category }»: { $code } — { $offer }, { $scope }. { $dates } Организатор: { $organizer }. Ваша ссылка — в каталоге.

## Решения администратора сервиса

promo-code-approved = Промокод { $code } одобрен: блогеры и партнёры найдут его в каталоге, когда ваш профиль организатора будет одобрен.
promo-code-refused = Промокод { $code } не одобрен для блогеров и партнёров: { $reason }. Покупатели, которые введут код, по-прежнему получат скидку.
promo-organizer-approved = Ваш профиль организатора одобрен: одобренные промокоды для блогеров и партнёров видны им в каталоге.
promo-organizer-refused = Ваш профиль организатора не одобрен для промокодов блогерам: { $reason }. Ваши коды по-прежнему работают для покупателей, которые их введут.
promo-affiliate-approved = Заявка партнёра одобрена! Каталог промокодов — /affiliate.
promo-affiliate-refused = Заявка партнёра отклонена: { $reason }. Можно подать заново — /affiliate.

## /approve

promo-approve-unknown-queue = Такой очереди нет. Напишите /approve, /approve organizers, /approve codes или /approve affiliates.
promo-approve-empty = Ждущих решения нет.
promo-approve-org-title = Организаторы, которые хотят делиться промокодами:
promo-approve-org-entry = №{ $id } · { $name }
promo-approve-code-title = Промокоды для блогеров и партнёров:
promo-approve-code-entry =
    { $code } · { $organizer }{ $approved ->
        [true] {""}
       *[other] {" "}(организатор ещё не одобрен)
    }
    { $offer }, { $scope }. { $dates }
promo-approve-aff-title = Заявки партнёров:
promo-approve-aff-entry =
    №{ $id } · { $name }
    { $about }
promo-button-approve = ✅ { $what }
promo-button-refuse = ❌ { $what }
promo-approve-ask-reason = Напишите причину отказа — её покажут автору.
promo-approve-reason-empty = Напишите причину отказа текстом.
promo-approve-reason-long = Причина — не больше { $max } { $max ->
        [one] знака
       *[other] знаков
    }.
promo-approve-decided = Решение уже принято.
promo-approve-done-yes = Одобрено. Автору сообщено.
promo-approve-done-no = Отклонено. Автору сообщена причина.
